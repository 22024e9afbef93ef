export * from './after-failure';
export * from './dead-letter';
export * from './job';
export * from './queue-topology';
export * from './work-queue-errors';
