export * from './consumer-settings';
export * from './event-context';
export * from './event-transport';
export * from './failure-topics';
export * from './non-retriable-error';
export * from './start-consuming-service';
export * from './dead-letters';
