export * from './migrations';
export * from './outbox-backlog';
export * from './outbox-contract';
export * from './outbox-event.entity';
export * from './outbox-relay';
export * from './outbox-writer';
export * from './outbox.module';
