import type { Kafka } from 'kafkajs';
import { DataSource } from 'typeorm';
import { loadConsumerSettings } from '@ensemble/config';
import { EventCodec } from '@ensemble/event-codec';
import { loadEventCatalogue } from '@ensemble/events';
import { checkHandlersAgainstDeclaration, HandlersNotAsDeclaredError } from './declared-reactions';
import { EventTransport } from './event-transport';
import { rebuildPattern } from './rebuild-from';

const catalogue = loadEventCatalogue();

describe('checkHandlersAgainstDeclaration', () => {
  it('accepts handlers for exactly the events a service declares it reacts to, and rebuilds from the events it publishes', () => {
    expect(() => checkHandlersAgainstDeclaration('crm', ['PaymentCompleted'], catalogue)).not.toThrow();
    expect(() => checkHandlersAgainstDeclaration('invoice', ['PaymentCompleted', rebuildPattern('InvoiceIssued')], catalogue)).not.toThrow();
    expect(() => checkHandlersAgainstDeclaration('dashboards', ['ShipmentScheduled', 'PaymentCompleted', 'InvoiceIssued'], catalogue)).not.toThrow();
  });

  it('names a handler the declaration lacks, a declared reaction without handler, and a rebuild from an event of another service', () => {
    const check = () => checkHandlersAgainstDeclaration('invoice', ['ShipmentScheduled', rebuildPattern('PaymentCompleted')], catalogue);

    expect(check).toThrow(HandlersNotAsDeclaredError);
    expect(check).toThrow(
      "invoice's event handlers differ from its declaration in SERVICES (libs/config/src/services.ts): " +
        'handles ShipmentScheduled, which it does not declare in reactsTo; ' +
        "declares it reacts to PaymentCompleted but has no @EventPattern('PaymentCompleted') handler; " +
        'rebuilds from PaymentCompleted (@RebuildFrom), which it does not publish',
    );
  });
});

describe('EventTransport', () => {
  it('refuses to start, before it connects to anything, when its handlers differ from the declaration', async () => {
    const transport = new EventTransport({
      service: 'crm',
      catalogue,
      codec: {} as EventCodec,
      kafka: {} as Kafka,
      dataSource: {} as DataSource,
      settings: loadConsumerSettings({}),
    });
    transport.addHandler('InvoiceIssued', async () => undefined, true);
    const started = jest.fn();

    await transport.listen(started);

    expect(started).toHaveBeenCalledWith(expect.any(HandlersNotAsDeclaredError));
    expect(transport.consumption).toEqual({ consuming: false, reason: 'not started' });
  });
});
