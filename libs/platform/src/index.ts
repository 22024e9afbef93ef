export * from './platform-clients';
export * from './platform.module';
