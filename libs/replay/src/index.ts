export * from './replay';
export * from './replay.module';
export * from './replay-options';
export * from './replay-request';
export * from './replay-window';
export * from './replays';
export * from './shadow-schema';
export * from './replay-client';
