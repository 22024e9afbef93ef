export * from './record-spans';
export * from './start-tracing';
export * from './traceparent';
