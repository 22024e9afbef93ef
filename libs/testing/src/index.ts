export * from './service-process';
export * from './topic-reader';
export * from './scratch-database';
