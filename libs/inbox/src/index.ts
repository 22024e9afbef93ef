export * from './migrations/1763781000000-create-processed-events';
export * from './processed-event.entity';
export * from './record-processed';
