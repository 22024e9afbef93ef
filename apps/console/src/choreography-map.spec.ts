import { describeChoreography, loadEventCatalogue } from '@ensemble/events';
import { ChoreographyMap, layOutChoreography, MapNode } from './choreography-map';

const map = layOutChoreography(describeChoreography(loadEventCatalogue()));
const node = (id: string) => map.nodes.find((candidate) => candidate.id === id)!;
const column = (id: string) => node(id).x;
const overlap = (a: MapNode, b: MapNode) => a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

describe('layOutChoreography', () => {
  it('draws every service and every event, each event right of its publisher and each service right of what it reacts to', () => {
    expect(map.nodes.map((candidate) => candidate.id).sort()).toEqual(
      [
        'service:payments',
        'service:invoice',
        'service:crm',
        'service:shipping',
        'service:dashboards',
        'service:notifications',
        'event:PaymentCompleted',
        'event:InvoiceIssued',
        'event:ShipmentScheduled',
        'event:EmailSent',
      ].sort(),
    );
    expect(column('service:payments')).toBeLessThan(column('event:PaymentCompleted'));
    for (const reacting of ['service:invoice', 'service:crm', 'service:shipping']) expect(column(reacting)).toBeGreaterThan(column('event:PaymentCompleted'));
    expect(column('event:InvoiceIssued')).toBeGreaterThan(column('service:invoice'));
    expect(column('event:ShipmentScheduled')).toBeGreaterThan(column('service:shipping'));
    expect(column('service:dashboards')).toBeGreaterThan(column('event:InvoiceIssued'));
    expect(column('service:notifications')).toBeGreaterThan(column('event:ShipmentScheduled'));
    expect(column('event:EmailSent')).toBeGreaterThan(column('service:notifications'));
  });

  it('says of each service whether it reacts, whether it publishes and its work queue, and of each event its topic', () => {
    expect(node('service:crm')).toMatchObject({ kind: 'service', service: 'crm', reacts: true, publishes: false, workQueue: null });
    expect(node('service:notifications')).toMatchObject({ reacts: true, publishes: true, workQueue: 'notifications.emails' });
    // Its box has room for the queue's figures.
    expect(node('service:notifications').height).toBeGreaterThan(node('service:crm').height);
    expect(node('service:invoice')).toMatchObject({ reacts: true, publishes: true });
    expect(node('service:payments')).toMatchObject({ reacts: false, publishes: true });
    expect(node('event:InvoiceIssued')).toMatchObject({ kind: 'event', eventType: 'InvoiceIssued', topic: 'invoice.invoice-issued' });
  });

  it('has an edge from each publisher to its event and from each event to each service that reacts to it', () => {
    expect(map.edges.map(({ id, kind, topic }) => `${kind} ${id} ${topic}`).sort()).toEqual(
      [
        'publishes payments>PaymentCompleted payments.payment-completed',
        'reacts PaymentCompleted>invoice payments.payment-completed',
        'reacts PaymentCompleted>crm payments.payment-completed',
        'reacts PaymentCompleted>shipping payments.payment-completed',
        'reacts PaymentCompleted>dashboards payments.payment-completed',
        'publishes invoice>InvoiceIssued invoice.invoice-issued',
        'reacts InvoiceIssued>dashboards invoice.invoice-issued',
        'reacts InvoiceIssued>notifications invoice.invoice-issued',
        'publishes shipping>ShipmentScheduled shipping.shipment-scheduled',
        'reacts ShipmentScheduled>dashboards shipping.shipment-scheduled',
        'reacts ShipmentScheduled>notifications shipping.shipment-scheduled',
        'publishes notifications>EmailSent notifications.email-sent',
      ].sort(),
    );
  });

  it('keeps boxes apart and inside the drawing, and runs an edge that skips columns beneath every box', () => {
    for (const [index, a] of map.nodes.entries()) {
      for (const b of map.nodes.slice(index + 1)) expect(overlap(a, b)).toBe(false);
      expect(a.x + a.width).toBeLessThanOrEqual(map.width);
      expect(a.y + a.height).toBeLessThanOrEqual(map.height);
    }
    const skipping = map.edges.find((edge) => edge.id === 'PaymentCompleted>dashboards')!;
    expect(skipping.label.y).toBeGreaterThan(Math.max(...map.nodes.map((candidate) => candidate.y + candidate.height)));
    expect(skipping.label.y).toBeLessThan(map.height);
  });

  it('orders a column by what leads to it, so that follow-on events face their publishers', () => {
    const below = (a: string, b: string) => node(a).y > node(b).y;
    expect(below('service:shipping', 'service:invoice')).toBe(below('event:ShipmentScheduled', 'event:InvoiceIssued'));
  });

  it('lays out a cycle too: a service that reacts to a follow-on of its own event', () => {
    const catalogue = loadEventCatalogue();
    const cyclic: ChoreographyMap = layOutChoreography({
      ...describeChoreography(catalogue),
      services: describeChoreography(catalogue).services.map((role) => (role.service === 'payments' ? { ...role, reactsTo: ['ShipmentScheduled'], group: 'payments' } : role)),
    });

    expect(cyclic.nodes).toHaveLength(map.nodes.length);
    expect(cyclic.nodes.every((candidate) => Number.isFinite(candidate.x) && Number.isFinite(candidate.y))).toBe(true);
  });
});
