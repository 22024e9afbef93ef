import { COMPATIBILITY, SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import type { Type } from 'avsc';
import { EnsembleEvent, EventCatalogue, EventType, EventTypes } from '@ensemble/events';
import { AvroBoundsError, decodeAvroBody } from './bounded-avro';
import { EVENT_COMPATIBILITY } from './schema-compatibility';
import { UndecodableRecordError } from './undecodable-record-error';

const MAGIC_BYTE = 0;
const HEADER_LENGTH = 5; // magic byte + 4-byte big-endian schema id
/** Lower-case and hyphenated: the one spelling of a UUID that the inbox, PostgreSQL and every handler agree on. */
const CANONICAL_UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export interface EventCodecOptions {
  /** Values longer than this are refused unread (default 1 MiB, Kafka's default record limit). */
  maxValueBytes?: number;
}

/** A writer schema as the registry holds it: the parsed type and the subjects it is registered under. */
interface WriterSchema {
  type: Type;
  subjects: Set<string>;
}

/**
 * Encodes events to Confluent wire format (magic byte 0, schema id, Avro body) and back, with the
 * schemas from `schemas/` registered under TopicNameStrategy subjects in the schema registry.
 *
 * Decoding trusts nothing in the record: a writer schema counts only if the topic's subject holds
 * it, the event only if the catalogue places its type on the topic, and the body is walked with
 * bounds before anything is allocated, so that no record costs memory or time out of proportion
 * to its size.
 */
export class EventCodec {
  private readonly schemaIds = new Map<string, Promise<number>>();
  /** Writer schemas being fetched, by id: records decoded at once share one request and one parse of the schema. */
  private readonly writerSchemas = new Map<number, Promise<WriterSchema>>();
  private readonly maxValueBytes: number;

  constructor(
    private readonly registry: SchemaRegistry,
    private readonly registryUrl: string,
    private readonly catalogue: EventCatalogue,
    options: EventCodecOptions = {},
  ) {
    this.maxValueBytes = options.maxValueBytes ?? 1024 * 1024;
  }

  static forRegistry(url: string, catalogue: EventCatalogue, options?: EventCodecOptions): EventCodec {
    return new EventCodec(new SchemaRegistry({ host: url }), url, catalogue, options);
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

  /**
   * Decodes a record read from `topic` with the writer's schema that it names. Throws
   * {@link UndecodableRecordError} for records no retry can decode, and any other error when the
   * registry does not answer (a condition of the service, not of the record).
   */
  async decode(topic: string, value: Buffer | null): Promise<EnsembleEvent> {
    if (value && value.length > this.maxValueBytes) {
      throw new UndecodableRecordError('oversized-record', `${value.length} bytes, more than the ${this.maxValueBytes} a record may have`);
    }
    if (!value || value.length < HEADER_LENGTH || value[0] !== MAGIC_BYTE) {
      throw new UndecodableRecordError('bad-magic-byte', `not Confluent wire format: ${describeStart(value)}`);
    }
    const schemaId = value.readInt32BE(1);
    const writer = await this.writerSchema(schemaId);
    const subject = `${topic}-value`;
    if (!writer.subjects.has(subject)) {
      throw new UndecodableRecordError(
        'schema-not-on-topic',
        `schema id ${schemaId} is registered under ${[...writer.subjects].join(', ') || 'no subject'}, not ${subject}`,
      );
    }
    let event: EnsembleEvent;
    try {
      event = decodeAvroBody(writer.type, value.subarray(HEADER_LENGTH)) as EnsembleEvent;
    } catch (error) {
      const problem = error instanceof AvroBoundsError ? error.message : `${(error as Error).message}`;
      throw new UndecodableRecordError('corrupt-body', `body does not match schema id ${schemaId}: ${problem}`);
    }
    this.checkPlacement(topic, writer.type, event);
    return event;
  }

  /** The writer's record and the envelope's type must both be an event that the catalogue places on the topic. */
  private checkPlacement(topic: string, type: Type, event: EnsembleEvent): void {
    const recordName = type.name?.slice(type.name.lastIndexOf('.') + 1);
    const definition = recordName ? this.catalogue.find(recordName) : undefined;
    if (!definition || definition.topic !== topic || event.envelope?.eventType !== recordName) {
      throw new UndecodableRecordError(
        'event-type-not-on-topic',
        `a ${recordName ?? type.typeName} record claiming to be ${event.envelope?.eventType} does not belong on ${topic}`,
      );
    }
    if (!CANONICAL_UUID.test(event.envelope.eventId)) {
      throw new UndecodableRecordError('invalid-envelope', `event id ${JSON.stringify(event.envelope.eventId)} is not a lower-case canonical UUID`);
    }
    // The aggregate names the business fact that consumers deduplicate on: one spelling, one value.
    const aggregate = (event as unknown as Record<string, unknown>)[definition.aggregateField];
    if (aggregate !== event.envelope.aggregateId || (definition.aggregateIsUuid && !CANONICAL_UUID.test(String(aggregate)))) {
      throw new UndecodableRecordError(
        'invalid-envelope',
        `aggregate id ${JSON.stringify(event.envelope.aggregateId)} is not the event's ${definition.aggregateField} ${JSON.stringify(aggregate)}, spelled as a canonical UUID`,
      );
    }
  }

  /**
   * The registry client caches a schema once fetched, but each decode that starts before then fetches
   * and parses it again: a consumer starting on a backlog did so for every record of its first chunk.
   */
  private writerSchema(schemaId: number): Promise<WriterSchema> {
    let schema = this.writerSchemas.get(schemaId);
    if (!schema) {
      schema = Promise.all([this.registry.getSchema(schemaId), this.subjectsOf(schemaId)]).then(
        ([type, subjects]) => ({ type: type as unknown as Type, subjects }),
        (error: { status?: number }) => {
          // A registry that does not answer is a transient failure, not a property of the record.
          if (error.status === 404) throw new UndecodableRecordError('unknown-schema-id', `schema id ${schemaId} is not in the registry`);
          throw error;
        },
      );
      schema.catch((error) => {
        if (!(error instanceof UndecodableRecordError)) this.writerSchemas.delete(schemaId);
      });
      this.writerSchemas.set(schemaId, schema);
    }
    return schema;
  }

  /** The subjects that hold a schema id: the registry's `GET /schemas/ids/{id}/versions`. */
  private async subjectsOf(schemaId: number): Promise<Set<string>> {
    const response = await fetch(`${this.registryUrl}/schemas/ids/${schemaId}/versions`);
    if (!response.ok) throw Object.assign(new Error(`the registry answered ${response.status} for the subjects of schema id ${schemaId}`), { status: response.status });
    const versions = (await response.json()) as Array<{ subject: string }>;
    return new Set(versions.map((version) => version.subject));
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
