import { EventCodec } from '@ensemble/event-codec';
import { loadEventCatalogue } from '@ensemble/events';
import { EventEntry, EventNotOwnedError, OutboxWriter } from './outbox-writer';

const catalogue = loadEventCatalogue();
/** Encodes nothing: what these specs check comes before the encoding. */
const codec = { encode: async () => Buffer.alloc(100) } as unknown as EventCodec;

const shipmentId = '0a4f2f7e-2b7e-4c6f-9d7a-3f1a2b3c4d5e';
const shipment: EventEntry<'ShipmentScheduled'> = {
  aggregate: { type: 'Shipment', id: shipmentId },
  facts: {
    shipmentId,
    paymentId: '7d1c0e8a-1111-4a2b-8c3d-4e5f6a7b8c9d',
    items: [{ sku: 'BOOK-1', quantity: 1 }],
    customerEmail: 'ada@example.com',
    address: { name: 'Ada Lovelace', line1: '12 St James Sq', city: 'London', postalCode: 'SW1Y 4JH', country: 'GB' },
    scheduledFor: 0,
  },
  origin: { correlationId: 'request-1' },
};

describe('OutboxWriter', () => {
  it('prepares the events of the service that owns their schema', async () => {
    const { events } = await new OutboxWriter('shipping', catalogue, codec).prepare('ShipmentScheduled', [shipment]);

    expect(events[0].envelope).toMatchObject({ eventType: 'ShipmentScheduled', producer: 'shipping', correlationId: 'request-1' });
  });

  it('refuses an event whose schema another service owns, before encoding it', async () => {
    const encode = jest.spyOn(codec, 'encode');
    const prepared = new OutboxWriter('invoice', catalogue, codec).prepare('ShipmentScheduled', [shipment]);

    await expect(prepared).rejects.toThrow(EventNotOwnedError);
    await expect(prepared).rejects.toThrow('invoice cannot publish ShipmentScheduled: its schema is under schemas/shipping/, so only shipping publishes it');
    expect(encode).not.toHaveBeenCalled();
  });
});
