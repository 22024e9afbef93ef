/**
 * A record that no retry can decode: its bytes are not Confluent wire format, name a schema the
 * registry does not have, or do not match the schema they name. Consumers dead-letter it at once.
 */
export class UndecodableRecordError extends Error {
  constructor(
    readonly reason: 'bad-magic-byte' | 'unknown-schema-id' | 'corrupt-body',
    message: string,
  ) {
    super(message);
    this.name = 'UndecodableRecordError';
  }
}
