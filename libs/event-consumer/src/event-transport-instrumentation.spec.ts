import { EventEmitter } from 'node:events';
import { Registry } from 'prom-client';
import { captureJsonLogs, LogEntry } from '@ensemble/testing';
import { DeliveredRecord } from './event-applier';
import { EventTransport, EventTransportEvents } from './event-transport';
import { EventTransportInstrumentation } from './event-transport-instrumentation';

const record = (topic: string, offset: number) => ({ delivery: { topic, partition: 0, offset: String(offset), headers: {} } }) as DeliveredRecord;

describe('EventTransportInstrumentation', () => {
  let transport: EventEmitter<EventTransportEvents>;
  let registry: Registry;
  let logs: LogEntry[];

  beforeAll(() => (logs = captureJsonLogs('crm')));

  beforeEach(() => {
    transport = new EventEmitter<EventTransportEvents>();
    registry = new Registry();
    new EventTransportInstrumentation(transport as unknown as EventTransport, registry);
  });

  const value = async (name: string, labels: Record<string, string> = {}) =>
    (await registry.getSingleMetric(name)!.get()).values.find((entry) => Object.entries(labels).every(([key, label]) => String(entry.labels[key]) === label))?.value;

  it('counts the records of live transactions by topic, and measures each transaction', async () => {
    transport.emit('committed', { target: {}, records: [record('payments.payment-completed', 1), record('payments.payment-completed', 2), record('invoices.invoice-issued', 7)], durationMs: 30 });
    transport.emit('committed', { target: {}, records: [record('payments.payment-completed', 3)], durationMs: 5 });
    expect(await value('ensemble_consumer_records_applied_total', { topic: 'payments.payment-completed' })).toBe(3);
    expect(await value('ensemble_consumer_records_applied_total', { topic: 'invoices.invoice-issued' })).toBe(1);
    expect(await value('ensemble_consumer_transaction_records', { le: '1' })).toBe(1);
    expect(await value('ensemble_consumer_transaction_duration_seconds', { le: '0.01' })).toBe(1);
    expect(await value('ensemble_consumer_transaction_duration_seconds', { le: '0.05' })).toBe(2);
  });

  it('leaves out what a replay applies to its shadow', async () => {
    transport.emit('committed', { target: { schema: 'replay_abc' }, records: [record('payments.payment-completed', 1)], durationMs: 5 });
    expect(await value('ensemble_consumer_records_applied_total', { topic: 'payments.payment-completed' })).toBeUndefined();
  });

  it('counts rerouted records by destination and reason', async () => {
    const delivery = record('payments.payment-completed', 4).delivery;
    transport.emit('rerouted', { delivery, to: 'crm.retry-1', destination: 'retry', failure: { kind: 'retriable', reason: 'handler-failed', message: 'boom' } });
    transport.emit('rerouted', { delivery, to: 'crm.retry-2', destination: 'retry', failure: { kind: 'retriable', reason: 'handler-failed', message: 'boom' } });
    transport.emit('rerouted', { delivery, to: 'crm.dead-letter', destination: 'dead-letter', failure: { kind: 'permanent', reason: 'corrupt-body', message: 'short' } });
    expect(await value('ensemble_consumer_records_rerouted_total', { destination: 'retry', reason: 'handler-failed' })).toBe(2);
    expect(await value('ensemble_consumer_records_rerouted_total', { destination: 'dead-letter', reason: 'corrupt-body' })).toBe(1);
  });

  it('logs which record was rerouted as fields: its event id, topic, partition and offset', () => {
    const delivery = { topic: 'payments.payment-completed', partition: 2, offset: '41', headers: { 'event-id': '7d1f3c52-5a0e-4d8e-9a47-2b1f0c9e6a11' } };
    transport.emit('rerouted', { delivery, to: 'crm.dead-letter', destination: 'dead-letter', failure: { kind: 'permanent', reason: 'corrupt-body', message: 'truncated' } });
    expect(logs.at(-1)).toMatchObject({
      level: 'warn',
      service: 'crm',
      context: 'event-consumer',
      eventId: '7d1f3c52-5a0e-4d8e-9a47-2b1f0c9e6a11',
      topic: 'payments.payment-completed',
      partition: 2,
      offset: '41',
      to: 'crm.dead-letter',
      reason: 'corrupt-body',
      msg: 'rerouted to crm.dead-letter (corrupt-body): truncated',
    });
  });

  it('logs the stub a record left the same way, without an event id when its headers name none', () => {
    const delivery = { topic: 'payments.payment-completed', partition: 0, offset: '9', headers: {} };
    transport.emit('stubbed', { delivery, to: 'crm.dead-letter', failure: { kind: 'permanent', reason: 'reroute-failed', message: 'too large' } });
    expect(logs.at(-1)).toMatchObject({ level: 'warn', topic: 'payments.payment-completed', partition: 0, offset: '9', to: 'crm.dead-letter', msg: 'left a stub in crm.dead-letter: too large' });
    expect(logs.at(-1)).not.toHaveProperty('eventId');
  });
});
