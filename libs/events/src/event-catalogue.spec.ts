import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { kebabCase, loadEventCatalogue } from './event-catalogue';

function schemasWith(owner: string, file: string, schema: object): string {
  const dir = mkdtempSync(join(tmpdir(), 'schemas-'));
  writeFileSync(join(dir, 'event-envelope.avsc'), JSON.stringify({ type: 'record', name: 'EventEnvelope', namespace: 'io.ensemble.events', fields: [] }));
  mkdirSync(join(dir, owner));
  writeFileSync(join(dir, owner, file), JSON.stringify(schema));
  return dir;
}

const wellFormed = {
  type: 'record',
  name: 'InvoiceIssued',
  namespace: 'io.ensemble.invoice',
  fields: [{ name: 'envelope', type: 'io.ensemble.events.EventEnvelope' }, { name: 'invoiceId', type: 'string' }],
};

describe('loadEventCatalogue', () => {
  it('names topic and subject after the owning service and the event', () => {
    const event = loadEventCatalogue().get('PaymentCompleted');

    expect(event).toMatchObject({
      owner: 'payments',
      topic: 'payments.payment-completed',
      subject: 'payments.payment-completed-value',
    });
  });

  it('inlines the envelope so that the registered schema stands alone', () => {
    const [envelopeField] = loadEventCatalogue().get('PaymentCompleted').schema.fields as Array<{ name: string; type: { name: string; fields: Array<{ name: string }> } }>;

    expect(envelopeField.type.name).toBe('EventEnvelope');
    expect(envelopeField.type.fields.map((field) => field.name)).toEqual([
      'eventId', 'eventType', 'occurredAt', 'aggregateId', 'correlationId', 'causationId', 'producer',
    ]);
  });

  it('rejects a schema whose file name does not match its record name', () => {
    const dir = schemasWith('invoice', 'issued.avsc', wellFormed);
    expect(() => loadEventCatalogue(dir)).toThrow(/issued\.avsc: file name must be invoice-issued\.avsc/);
  });

  it('rejects a schema in the wrong namespace', () => {
    const dir = schemasWith('invoice', 'invoice-issued.avsc', { ...wellFormed, namespace: 'io.ensemble.billing' });
    expect(() => loadEventCatalogue(dir)).toThrow(/namespace must be io\.ensemble\.invoice/);
  });

  it('rejects an event without the envelope as its first field', () => {
    const dir = schemasWith('invoice', 'invoice-issued.avsc', { ...wellFormed, fields: wellFormed.fields.slice(1) });
    expect(() => loadEventCatalogue(dir)).toThrow(/first field must be \{ "name": "envelope"/);
  });

  it('rejects a folder that is not a service', () => {
    const dir = schemasWith('billing', 'invoice-issued.avsc', wellFormed);
    expect(() => loadEventCatalogue(dir)).toThrow(/billing: not a service/);
  });
});

describe('kebabCase', () => {
  it.each([
    ['PaymentCompleted', 'payment-completed'],
    ['InvoiceIssued', 'invoice-issued'],
    ['ShipmentScheduled', 'shipment-scheduled'],
  ])('%s -> %s', (name, kebab) => expect(kebabCase(name)).toBe(kebab));
});
