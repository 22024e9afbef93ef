import { COMPATIBILITY, SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import { EnsembleEvent, EventCatalogue, EventType, EventTypes } from '@ensemble/events';
import { EVENT_COMPATIBILITY } from './schema-compatibility';
import { UndecodableRecordError } from './undecodable-record-error';

const MAGIC_BYTE = 0;
const HEADER_LENGTH = 5; // magic byte + 4-byte big-endian schema id

/**
 * Encodes events to Confluent wire format (magic byte 0, schema id, Avro body) and back, with the
 * schemas from `schemas/` registered under TopicNameStrategy subjects in the schema registry.
 */
export class EventCodec {
  private readonly schemaIds = new Map<string, Promise<number>>();
  /** Writer schemas being fetched, by id: records decoded at once share one request and one parse of the schema. */
  private readonly writerSchemas = new Map<number, Promise<unknown>>();

  constructor(
    private readonly registry: SchemaRegistry,
    private readonly catalogue: EventCatalogue,
  ) {}

  static forRegistry(url: string, catalogue: EventCatalogue): EventCodec {
    return new EventCodec(new SchemaRegistry({ host: url }), catalogue);
  }

  /** Registers the event's schema on first use (a no-op for a schema the registry already has) and encodes. */
  async encode<T extends EventType>(eventType: T, event: EventTypes[T]): Promise<Buffer> {
    const schemaId = await this.schemaId(eventType);
    try {
      return await this.registry.encode(schemaId, event);
    } catch (error) {
      const paths = (error as { paths?: string[][] }).paths;
      if (!paths) throw error;
      throw new Error(`${eventType} does not match its schema at ${paths.map((path) => path.join('.')).join(', ')}`);
    }
  }

  /** Decodes with the writer's schema that the record names; throws {@link UndecodableRecordError} for records no retry can decode. */
  async decode(value: Buffer | null): Promise<EnsembleEvent> {
    if (!value || value.length < HEADER_LENGTH || value[0] !== MAGIC_BYTE) {
      throw new UndecodableRecordError('bad-magic-byte', `not Confluent wire format: ${describeStart(value)}`);
    }
    const schemaId = value.readInt32BE(1);
    try {
      await this.writerSchema(schemaId);
    } catch (error) {
      // A registry that does not answer is a transient failure, not a property of the record.
      if ((error as { status?: number }).status === 404) {
        throw new UndecodableRecordError('unknown-schema-id', `schema id ${schemaId} is not in the registry`);
      }
      throw error;
    }
    try {
      return (await this.registry.decode(value)) as EnsembleEvent;
    } catch (error) {
      throw new UndecodableRecordError(
        'corrupt-body',
        `body does not match schema id ${schemaId}: ${(error as Error).message}`,
      );
    }
  }

  /**
   * The registry client caches a schema once fetched, but each decode that starts before then fetches
   * and parses it again: a consumer starting on a backlog did so for every record of its first chunk.
   */
  private writerSchema(schemaId: number): Promise<unknown> {
    let schema = this.writerSchemas.get(schemaId);
    if (!schema) {
      schema = this.registry.getSchema(schemaId);
      schema.catch(() => this.writerSchemas.delete(schemaId));
      this.writerSchemas.set(schemaId, schema);
    }
    return schema;
  }

  private schemaId(eventType: EventType): Promise<number> {
    let id = this.schemaIds.get(eventType);
    if (!id) {
      const { schema, subject } = this.catalogue.get(eventType);
      id = this.registry
        .register(
          { type: SchemaType.AVRO, schema: JSON.stringify(schema) },
          { subject, compatibility: COMPATIBILITY[EVENT_COMPATIBILITY] },
        )
        .then((registered) => registered.id);
      id.catch(() => this.schemaIds.delete(eventType));
      this.schemaIds.set(eventType, id);
    }
    return id;
  }
}

function describeStart(value: Buffer | null): string {
  if (!value) return 'no value';
  return `starts with ${value.subarray(0, HEADER_LENGTH).toString('hex') || '(empty)'}`;
}
