export * from './event-catalogue';
export * from './generated/event-types';
