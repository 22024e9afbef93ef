export * from './json-logger';
export * from './request-logging';
export * from './logging.module';
