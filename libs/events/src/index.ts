export * from './choreography';
export * from './event-catalogue';
export * from './event-origin';
export * from './generated/event-types';
