export * from './invoice-issued-email';
export * from './message-id';
export * from './money';
export * from './rendered-email';
export * from './shipment-scheduled-email';
