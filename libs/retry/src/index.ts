export * from './backoff';
export * from './ensemble-error';
export * from './poll-until';
export * from './retry';
export * from './pause';
