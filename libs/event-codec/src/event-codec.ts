import { COMPATIBILITY, SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import type { Type } from 'avsc';
import { EnsembleEvent, EventCatalogue, EventType, EventTypes } from '@ensemble/events';
import { EnsembleError, retry } from '@ensemble/retry';
import { AvroBoundsError, decodeAvroBody } from './bounded-avro';
import { EVENT_COMPATIBILITY } from './schema-compatibility';
import { UndecodableRecordError } from './undecodable-record-error';

const MAGIC_BYTE = 0;
const HEADER_LENGTH = 5; // magic byte + 4-byte big-endian schema id
/** Lower-case and hyphenated: the one spelling of a UUID that the inbox, PostgreSQL and every handler agree on. */
const CANONICAL_UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function isCanonicalUuid(value: string): boolean {
  return CANONICAL_UUID.test(value);
}

export interface EventCodecOptions {
  /** Values longer than this are refused unread (default 1 MiB, Kafka's default record limit). */
  maxValueBytes?: number;
}

const REFUSAL_TTL_MS = 30_000;
const MAX_REFUSALS = 10_000;
/** Envelope strings that a follow-on event copies: bounded, so that no event can make its successors too large to publish. */
const MAX_ENVELOPE_TEXT = 200;

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
  /** Writer schemas by id and subject: records decoded at once share one request and one parse of the schema. */
  private readonly writerSchemas = new Map<string, Promise<Type>>();
  /**
   * Ids registered under other subjects, remembered briefly and in bounded number: a flood of
   * records naming them costs the registry a request per id every REFUSAL_TTL_MS, not one per
   * record. Unknown ids are asked again every time: the next id may be the next schema version.
   */
  private readonly refusals = new Map<string, { error: UndecodableRecordError; until: number }>();
  private readonly maxValueBytes: number;

  constructor(
    private readonly registry: SchemaRegistry,
    private readonly registryUrl: string,
    private readonly catalogue: EventCatalogue,
    options: EventCodecOptions = {},
  ) {
    this.maxValueBytes = options.maxValueBytes ?? 1024 * 1024;
  }

  /** Registers the event's schema on first use (a no-op for a schema the registry already has) and encodes. */
  async encode<T extends EventType>(eventType: T, event: EventTypes[T]): Promise<Buffer> {
    const schemaId = await this.schemaId(eventType);
    try {
      return await this.registry.encode(schemaId, event);
    } catch (error) {
      const paths = (error as { paths?: string[][] }).paths;
      if (paths) throw new EventNotEncodableError(eventType, paths.map(fieldName));
      throw error;
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
    const writer = await this.writerSchema(schemaId, `${topic}-value`);
    let event: EnsembleEvent;
    try {
      event = decodeAvroBody(writer, value.subarray(HEADER_LENGTH)) as EnsembleEvent;
    } catch (error) {
      const problem = error instanceof AvroBoundsError ? error.message : `${(error as Error).message}`;
      throw new UndecodableRecordError('corrupt-body', `body does not match schema id ${schemaId}: ${problem}`);
    }
    this.checkPlacement(topic, writer, event);
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
    const { correlationId, causationId, producer } = event.envelope;
    if (producer !== definition.owner || correlationId.length > MAX_ENVELOPE_TEXT || (causationId?.length ?? 0) > MAX_ENVELOPE_TEXT) {
      throw new UndecodableRecordError(
        'invalid-envelope',
        `the producer must be ${definition.owner} (not ${JSON.stringify(producer.slice(0, 50))}), and the correlation and causation ids at most ${MAX_ENVELOPE_TEXT} characters`,
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
   * The writer's schema, once the registry says that `subject` holds it: a schema registered
   * elsewhere is refused before it is fetched or parsed. The registry client caches a schema once
   * fetched, but each decode that starts before then would fetch and parse it again.
   */
  private writerSchema(schemaId: number, subject: string): Promise<Type> {
    const key = `${schemaId} ${subject}`;
    const refusal = this.refusals.get(key);
    if (refusal && refusal.until > Date.now()) return Promise.reject(refusal.error);
    let schema = this.writerSchemas.get(key);
    if (!schema) {
      schema = this.fetchWriterSchema(schemaId, subject);
      schema.catch((error) => {
        this.writerSchemas.delete(key);
        if (error instanceof UndecodableRecordError && error.reason === 'schema-not-on-topic') this.remember(key, error);
      });
      this.writerSchemas.set(key, schema);
    }
    return schema;
  }

  private remember(key: string, error: UndecodableRecordError): void {
    this.refusals.delete(key);
    if (this.refusals.size >= MAX_REFUSALS) this.refusals.delete(this.refusals.keys().next().value!);
    this.refusals.set(key, { error, until: Date.now() + REFUSAL_TTL_MS });
  }

  private async fetchWriterSchema(schemaId: number, subject: string): Promise<Type> {
    // A registry that does not answer (or answers 5xx) is a transient failure, not a property of the record.
    const response = await fetch(`${this.registryUrl}/schemas/ids/${schemaId}/versions`, { signal: AbortSignal.timeout(10_000) });
    if (response.status === 404) throw new UndecodableRecordError('unknown-schema-id', `schema id ${schemaId} is not in the registry`);
    if (!response.ok) throw new Error(`the registry answered ${response.status} for the subjects of schema id ${schemaId}`);
    const subjects = ((await response.json()) as Array<{ subject: string }>).map((version) => version.subject);
    if (!subjects.includes(subject)) {
      throw new UndecodableRecordError('schema-not-on-topic', `schema id ${schemaId} is registered under ${subjects.join(', ') || 'no subject'}, not ${subject}`);
    }
    return (await this.registry.getSchema(schemaId)) as unknown as Type;
  }

  private schemaId(eventType: EventType): Promise<number> {
    let id = this.schemaIds.get(eventType);
    if (!id) {
      const definition = this.catalogue.find(eventType);
      if (!definition) throw new EventNotEncodableError(eventType, [], `there is no schema for ${eventType} in the catalogue`);
      const { schema, subject } = definition;
      // Tried again before giving up: two processes registering a new subject at once race on its
      // compatibility rule in Apicurio ("A rule named 'COMPATIBILITY' already exists"), and the loser's next try finds it set.
      id = retry(
        () => this.registry.register({ type: SchemaType.AVRO, schema: JSON.stringify(schema) }, { subject, compatibility: COMPATIBILITY[EVENT_COMPATIBILITY] }),
        { attempts: 3, initialMs: 50, maxMs: 200 },
      ).then((registered) => registered.id);
      id.catch(() => this.schemaIds.delete(eventType));
      this.schemaIds.set(eventType, id);
    }
    return id;
  }
}

/** `['items', '0', 'quantity']` -> `items[0].quantity`, as the API names fields. */
function fieldName(path: string[]): string {
  return path.reduce((name, part) => (/^\d+$/.test(part) ? `${name}[${part}]` : name ? `${name}.${part}` : part), '');
}

/** An event that its schema cannot hold: writing it would stop whatever publishes it. No retry helps. */
export class EventNotEncodableError extends EnsembleError {
  constructor(
    readonly eventType: string,
    /** The fields the schema refused, e.g. `amountMinor` or `items[0].quantity`. */
    readonly fields: string[],
    message = `${eventType} does not match its schema at ${fields.join(', ')}`,
  ) {
    super(message, { retriable: false });
  }
}

function describeStart(value: Buffer | null): string {
  if (!value) return 'no value';
  return `starts with ${value.subarray(0, HEADER_LENGTH).toString('hex') || '(empty)'}`;
}
