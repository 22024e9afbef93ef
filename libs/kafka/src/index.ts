export * from './kafka-client';
export * from './ordered-producer';
export * from './headers-as-strings';
export * from './consumer-group-lag';
export * from './read-to-end';
export * from './record-position';
export * from './kafka-errors';
