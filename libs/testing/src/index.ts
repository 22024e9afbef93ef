export * from './service-process';
export * from './topic-reader';
export * from './scratch-database';
export * from './choreography';
export * from './payment-requests';
export * from './post-json';
export * from './consumer-lag';
export * from './projection-checksum';
