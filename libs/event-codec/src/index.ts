export * from './event-codec';
export * from './schema-compatibility';
export * from './undecodable-record-error';
export * from './bounded-avro';
