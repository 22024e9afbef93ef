/** Injection token of the process's one Kafka client, built once by the platform module (`libs/platform`). */
export const KAFKA_CLIENT = Symbol('KAFKA_CLIENT');
