import { toTypeScript } from '@ovotech/avro-ts';
import { EventCatalogue } from '../src/event-catalogue';

export const GENERATED_TYPES_FILE = 'libs/events/src/generated/event-types.ts';

/**
 * The TypeScript source for every event type, generated from the Avro schemas so that no event
 * shape is written twice by hand. `npm run schemas:types` writes it; a spec checks it is current.
 */
export function renderEventTypes(catalogue: EventCatalogue): string {
  // One union schema, so that shared named types (the envelope) are declared once.
  const declarations = toTypeScript(catalogue.events.map((event) => event.schema) as never)
    .replace(/^\/\* eslint-disable.*\n/m, '')
    .replace(/^export type AvroType = [\s\S]*?;\n(?=\n|export )/m, '');
  const eventMap = catalogue.events.map((event) => `  ${event.eventType}: ${event.eventType};`).join('\n');
  return [
    `// Generated from schemas/ by \`npm run schemas:types\`. Do not edit: change the .avsc and regenerate.`,
    '/* eslint-disable @typescript-eslint/no-namespace */',
    declarations.trim(),
    '',
    ...catalogue.events.map((event) => `export type ${event.eventType} = ${namespaceOf(event.schema)}.${event.eventType};`),
    '',
    '/** Every event type by its name. */',
    `export interface EventTypes {\n${eventMap}\n}`,
    '',
    'export type EventEnvelope = IoEnsembleEvents.EventEnvelope;',
    'export type EventType = keyof EventTypes;',
    'export type EnsembleEvent = EventTypes[EventType];',
    '',
  ].join('\n');
}

function namespaceOf(schema: Record<string, unknown>): string {
  return String(schema.namespace)
    .split('.')
    .map((part) => part[0].toUpperCase() + part.slice(1))
    .join('');
}
