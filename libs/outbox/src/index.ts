export * from './migrations/1763780000000-create-outbox';
export * from './outbox-backlog';
export * from './outbox-contract';
export * from './outbox-event.entity';
export * from './outbox-relay';
export * from './outbox-writer';
export * from './outbox.module';
export * from './trace-context';
