import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { SERVICE_NAMES, ServiceName } from '@ensemble/config';

const ENVELOPE_FILE = 'event-envelope.avsc';

/**
 * The folder that holds every event schema, the one source of truth for what events are: the
 * nearest `schemas/` above this file, whether it runs from the sources or from `dist/`.
 */
export const SCHEMAS_DIR = findSchemasDir(__dirname);

function findSchemasDir(from: string): string {
  for (let dir = from; dir !== dirname(dir); dir = dirname(dir)) {
    if (existsSync(join(dir, 'schemas', ENVELOPE_FILE))) return join(dir, 'schemas');
  }
  throw new Error(`No schemas/${ENVELOPE_FILE} in any folder above ${from}`);
}
const ENVELOPE_TYPE = 'io.ensemble.events.EventEnvelope';

type AvroSchema = Record<string, unknown>;

/** An event as the platform knows it: its schema, the service that owns it, and where it is published. */
export interface EventDefinition {
  /** The record name, e.g. `PaymentCompleted`. */
  eventType: string;
  owner: ServiceName;
  /** `<owner>.<event in kebab case>`, from the schema's place in `schemas/<owner>/<event>.avsc`. */
  topic: string;
  /** Confluent's TopicNameStrategy: `<topic>-value`. */
  subject: string;
  /** The field after the envelope: the id of the aggregate the event is about, equal to `envelope.aggregateId`. */
  aggregateField: string;
  /** Whether that id is a UUID (logical type `uuid`), and so must be spelled canonically. */
  aggregateIsUuid: boolean;
  /** Self-contained Avro schema (the envelope inlined), as registered. */
  schema: AvroSchema;
  file: string;
}

export class EventCatalogue {
  private readonly byType: Map<string, EventDefinition>;

  constructor(readonly events: EventDefinition[]) {
    this.byType = new Map(events.map((event) => [event.eventType, event]));
  }

  /** The event of this type, or undefined: for types read from records, which may name anything. */
  find(eventType: string): EventDefinition | undefined {
    return this.byType.get(eventType);
  }

  get(eventType: string): EventDefinition {
    const event = this.byType.get(eventType);
    if (!event) throw new Error(`Unknown event type ${eventType}: no schema for it under ${SCHEMAS_DIR}`);
    return event;
  }
}

/**
 * Reads `schemas/`: the envelope, then one folder per owning service with one `.avsc` per event.
 * Throws, naming the file, when a schema breaks the conventions that topic names and consumers rely on.
 */
export function loadEventCatalogue(dir: string = SCHEMAS_DIR): EventCatalogue {
  const envelope = readSchema(join(dir, ENVELOPE_FILE));
  const events: EventDefinition[] = [];
  for (const owner of readdirSync(dir, { withFileTypes: true }).filter((entry) => entry.isDirectory())) {
    if (!(SERVICE_NAMES as readonly string[]).includes(owner.name)) {
      throw new Error(`${join(dir, owner.name)}: not a service (expected one of ${SERVICE_NAMES.join(', ')})`);
    }
    for (const file of readdirSync(join(dir, owner.name)).filter((name) => name.endsWith('.avsc')).sort()) {
      events.push(defineEvent(join(dir, owner.name, file), owner.name as ServiceName, envelope));
    }
  }
  return new EventCatalogue(events);
}

function defineEvent(file: string, owner: ServiceName, envelope: AvroSchema): EventDefinition {
  const schema = readSchema(file);
  const eventType = String(schema.name);
  const fail = (problem: string) => new Error(`${file}: ${problem}`);
  if (schema.type !== 'record') throw fail('an event schema must be a record');
  if (!/^[A-Z][A-Za-z0-9]*$/.test(eventType)) throw fail(`record name ${eventType} must be PascalCase`);
  if (schema.namespace !== `io.ensemble.${owner}`) throw fail(`namespace must be io.ensemble.${owner}`);
  const eventName = basename(file, '.avsc');
  if (eventName !== kebabCase(eventType)) throw fail(`file name must be ${kebabCase(eventType)}.avsc for ${eventType}`);
  const [first] = schema.fields as Array<{ name: string; type: unknown }>;
  if (first?.name !== 'envelope' || first.type !== ENVELOPE_TYPE) {
    throw fail(`the first field must be { "name": "envelope", "type": "${ENVELOPE_TYPE}" }`);
  }
  const aggregate = (schema.fields as Array<{ name: string; type: unknown }>)[1];
  if (!aggregate?.name.endsWith('Id')) throw fail('the second field must be the id of the aggregate the event is about, e.g. paymentId');
  const topic = `${owner}.${eventName}`;
  return {
    eventType,
    owner,
    topic,
    subject: `${topic}-value`,
    aggregateField: aggregate.name,
    aggregateIsUuid: (aggregate.type as { logicalType?: string })?.logicalType === 'uuid',
    schema: { ...schema, fields: [{ ...first, type: envelope }, ...(schema.fields as unknown[]).slice(1)] },
    file,
  };
}

function readSchema(file: string): AvroSchema {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as AvroSchema;
  } catch (error) {
    throw new Error(`${file}: not a readable JSON Avro schema (${(error as Error).message})`);
  }
}

export function kebabCase(pascalCase: string): string {
  return pascalCase.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase();
}
