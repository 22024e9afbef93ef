export * from './configuration-error';
export * from './environment';
export * from './platform-config';
export * from './services';
export * from './service-urls';
export * from './platform-config.module';
