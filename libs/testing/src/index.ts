export * from './service-process';
export * from './topic-reader';
