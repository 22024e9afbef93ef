export * from './asyncapi-document';
export * from './contract';
export * from './topic-declarations';
