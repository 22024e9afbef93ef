import { EnsembleError } from '@ensemble/retry';

/** Why a record can never be decoded, as its dead letter's `ensemble-error-reason` says. */
export type UndecodableReason =
  | 'oversized-record'
  | 'bad-magic-byte'
  | 'unknown-schema-id'
  | 'schema-not-on-topic'
  | 'event-type-not-on-topic'
  | 'corrupt-body'
  | 'invalid-envelope';

/**
 * A record that no retry can decode: too large to read, its bytes are not Confluent wire format,
 * name a schema the registry does not have or that the topic's subject does not hold, do not match
 * the schema they name, or carry an event the catalogue does not place on the topic. Consumers
 * dead-letter it at once.
 */
export class UndecodableRecordError extends EnsembleError {
  constructor(
    readonly reason: UndecodableReason,
    message: string,
  ) {
    super(message, { retriable: false });
  }
}
