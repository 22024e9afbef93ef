import { randomUUID } from 'node:crypto';
import { loadPlatformConfig } from '@ensemble/config';
import { EventDefinition, loadEventCatalogue } from '@ensemble/events';
import { registerSchemas } from '../src/schema-compatibility';

const registryUrl = loadPlatformConfig().schemaRegistry.url;

type Field = { name: string; type: unknown; default?: unknown };

/** PaymentCompleted's schema under a subject of this spec's own, with its fields changed by `change`. */
function variant(subject: string, change: (fields: Field[]) => Field[]): EventDefinition {
  const event = loadEventCatalogue().get('PaymentCompleted');
  return { ...event, subject, schema: { ...event.schema, fields: change([...(event.schema.fields as Field[])]) } };
}

describe('schemas:check against the registry', () => {
  const subject = `spec.payment-completed-${randomUUID()}-value`;
  const unchanged = variant(subject, (fields) => fields);

  afterAll(async () => {
    const url = `${registryUrl}/subjects/${encodeURIComponent(subject)}`;
    await fetch(url, { method: 'DELETE' });
    await fetch(`${url}?permanent=true`, { method: 'DELETE' });
  });

  it('registers a new subject, and finds it unchanged the second time', async () => {
    const [first] = await registerSchemas(registryUrl, [unchanged]);
    const [second] = await registerSchemas(registryUrl, [unchanged]);

    expect(first).toEqual({ subject, outcome: 'registered', id: expect.any(Number) });
    expect(second).toEqual({ subject, outcome: 'unchanged', id: (first as { id: number }).id });
  });

  it('accepts an added optional field with a default', async () => {
    const withNote = variant(subject, (fields) => [...fields, { name: 'note', type: ['null', 'string'], default: null }]);

    const [result] = await registerSchemas(registryUrl, [withNote]);

    expect(result).toMatchObject({ subject, outcome: 'registered' });
  });

  it('rejects a removed required field, naming the subject and the field', async () => {
    const withoutEmail = variant(subject, (fields) => fields.filter((field) => field.name !== 'customerEmail'));

    const [result] = await registerSchemas(registryUrl, [withoutEmail]);

    expect(result).toEqual({ subject, outcome: 'incompatible', reason: expect.stringMatching(/^409: .*customerEmail/) });
  });

  it('rejects an added required field, which old records do not have', async () => {
    const withRequiredChannel = variant(subject, (fields) => [...fields, { name: 'channel', type: 'string' }]);

    const [result] = await registerSchemas(registryUrl, [withRequiredChannel]);

    expect(result).toMatchObject({ subject, outcome: 'incompatible' });
  });

  it('says the registry is unreachable instead of throwing', async () => {
    const [result] = await registerSchemas('http://127.0.0.1:9', [unchanged]);

    expect(result).toMatchObject({ subject, outcome: 'failed', reason: expect.stringMatching(/unreachable at http:\/\/127.0.0.1:9/) });
  });
});
