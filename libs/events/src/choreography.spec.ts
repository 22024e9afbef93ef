import { SERVICES } from '@ensemble/config';
import { ChoreographyDeclarationError, describeChoreography } from './choreography';
import { loadEventCatalogue } from './event-catalogue';

const catalogue = loadEventCatalogue();

describe('describeChoreography', () => {
  const choreography = describeChoreography(catalogue);
  const flow = (eventType: string) => choreography.events.find((event) => event.eventType === eventType);

  it('has each event published by the owner of its schema, on its topic, to the services declared to react to it', () => {
    expect(flow('PaymentCompleted')).toEqual({
      eventType: 'PaymentCompleted',
      topic: 'payments.payment-completed',
      publisher: 'payments',
      reactors: ['invoice', 'crm', 'shipping', 'dashboards'],
      followsFrom: [],
    });
    expect(flow('InvoiceIssued')).toMatchObject({ publisher: 'invoice', reactors: ['dashboards', 'notifications'], followsFrom: ['PaymentCompleted'] });
    expect(flow('ShipmentScheduled')).toMatchObject({ publisher: 'shipping', reactors: ['dashboards', 'notifications'], followsFrom: ['PaymentCompleted'] });
    expect(flow('EmailSent')).toMatchObject({ publisher: 'notifications', reactors: [], followsFrom: ['InvoiceIssued', 'ShipmentScheduled'] });
  });

  it('gives each service what it publishes, what it reacts to and its consumer group', () => {
    expect(choreography.services).toEqual([
      { service: 'payments', publishes: ['PaymentCompleted'], reactsTo: [], group: null },
      { service: 'invoice', publishes: ['InvoiceIssued'], reactsTo: ['PaymentCompleted'], group: 'invoice' },
      { service: 'crm', publishes: [], reactsTo: ['PaymentCompleted'], group: 'crm' },
      { service: 'shipping', publishes: ['ShipmentScheduled'], reactsTo: ['PaymentCompleted'], group: 'shipping' },
      { service: 'dashboards', publishes: [], reactsTo: ['PaymentCompleted', 'InvoiceIssued', 'ShipmentScheduled'], group: 'dashboards' },
      { service: 'notifications', publishes: ['EmailSent'], reactsTo: ['InvoiceIssued', 'ShipmentScheduled'], group: 'notifications' },
    ]);
  });

  it('refuses a reaction to an event no schema defines, and a produces flag the schemas contradict, naming each', () => {
    const declarations = {
      ...SERVICES,
      crm: { ...SERVICES.crm, reactsTo: ['PaymentRefunded'] },
      shipping: { ...SERVICES.shipping, produces: false },
      dashboards: { ...SERVICES.dashboards, produces: true },
    };

    const model = () => describeChoreography(catalogue, declarations);

    expect(model).toThrow(ChoreographyDeclarationError);
    expect(model).toThrow(/crm reacts to PaymentRefunded, which no schema under schemas\/ defines/);
    expect(model).toThrow(/shipping declares produces: false but owns ShipmentScheduled/);
    expect(model).toThrow(/dashboards declares produces: true but owns no schema under schemas\/dashboards\//);
  });
});
