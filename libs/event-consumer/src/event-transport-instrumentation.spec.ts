import { EventEmitter } from 'node:events';
import { Admin, Kafka } from 'kafkajs';
import { Registry } from 'prom-client';
import { captureJsonLogs, LogEntry } from '@ensemble/testing';
import { DeliveredRecord } from './event-applier';
import { EventTransport, EventTransportEvents } from './event-transport';
import { EventTransportInstrumentation } from './event-transport-instrumentation';

const record = (topic: string, offset: number) => ({ delivery: { topic, partition: 0, offset: String(offset), headers: {} } }) as DeliveredRecord;

/** Kafka as an admin client sees it: the group's committed offsets and each topic's partitions with their ends, or no answer at all. */
interface KafkaState {
  committed: Record<string, Record<number, string>>;
  ends: Record<string, string[]>;
  answers: boolean;
  asked: number;
}

function kafkaWith(state: KafkaState): Kafka {
  const unlessAway = <T>(answer: () => T) => (state.answers ? Promise.resolve(answer()) : Promise.reject(new Error('Connection refused')));
  const admin = {
    connect: async () => undefined,
    disconnect: async () => undefined,
    fetchOffsets: ({ topics }: { topics: string[] }) => {
      state.asked++;
      return unlessAway(() => topics.map((topic) => ({ topic, partitions: state.ends[topic].map((_, partition) => ({ partition, offset: state.committed[topic]?.[partition] ?? '-1' })) })));
    },
    fetchTopicOffsets: (topic: string) => unlessAway(() => state.ends[topic].map((high, partition) => ({ partition, offset: high, high, low: '0' }))),
  };
  return { admin: () => admin as unknown as Admin } as unknown as Kafka;
}

describe('EventTransportInstrumentation', () => {
  let transport: EventEmitter<EventTransportEvents>;
  let registry: Registry;
  let logs: LogEntry[];
  let kafka: KafkaState;

  beforeAll(() => (logs = captureJsonLogs('crm')));

  beforeEach(() => {
    transport = new EventEmitter<EventTransportEvents>();
    registry = new Registry();
    kafka = { committed: {}, ends: {}, answers: true, asked: 0 };
    new EventTransportInstrumentation(transport as unknown as EventTransport, registry, kafkaWith(kafka));
  });

  const value = async (name: string, labels: Record<string, string> = {}) =>
    (await registry.getSingleMetric(name)!.get()).values.find((entry) => Object.entries(labels).every(([key, label]) => String(entry.labels[key]) === label))?.value;

  /** Each exported series of a lag gauge, after one scrape of the whole registry, as `topic[partition] value`. */
  const scrapedLag = async (name: 'kafka_consumergroup_lag' | 'kafka_consumergroup_lag_seconds') => {
    const text = await registry.metrics();
    return [...text.matchAll(new RegExp(`^${name}\\{consumergroup="([^"]+)",topic="([^"]+)",partition="(\\d+)"\\} (\\S+)$`, 'gm'))].map(
      ([, group, topic, partition, lag]) => `${group} ${topic}[${partition}] ${lag}`,
    );
  };

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
  describe('the lag of the partitions this instance owns', () => {
    const PAYMENTS = 'payments.payment-completed';
    const RETRY = 'crm.retry-1';

    beforeEach(() => {
      kafka.ends = { [PAYMENTS]: ['10', '4'], [RETRY]: ['0'] };
      kafka.committed = { [PAYMENTS]: { 0: '5', 1: '4' } };
    });

    it('is exported per partition under kafka_exporter\'s name and labels, from the position applied, retry topics included', async () => {
      transport.emit('assigned', { group: 'crm', partitions: [{ topic: PAYMENTS, partition: 0 }, { topic: PAYMENTS, partition: 1 }, { topic: RETRY, partition: 0 }] });
      transport.emit('positioned', { topic: PAYMENTS, partition: 0, next: '7', end: '10', nextWrittenAt: Date.now() - 90_000 });

      expect(await scrapedLag('kafka_consumergroup_lag')).toEqual([`crm ${PAYMENTS}[0] 3`, `crm ${PAYMENTS}[1] 0`, `crm ${RETRY}[0] 0`]);
      const [seconds, ...caughtUp] = await scrapedLag('kafka_consumergroup_lag_seconds');
      expect(Number(seconds.split(' ')[2])).toBeCloseTo(90, 0);
      expect(caughtUp).toEqual([`crm ${PAYMENTS}[1] 0`, `crm ${RETRY}[0] 0`]);
    });

    it('asks Kafka once for both gauges of a scrape and the scrapes of the next 5 s, whose lag the consumer\'s own fetches keep current', async () => {
      const start = Date.now();
      const now = jest.spyOn(Date, 'now').mockReturnValue(start);
      try {
        transport.emit('assigned', { group: 'crm', partitions: [{ topic: PAYMENTS, partition: 0 }] });
        expect(await scrapedLag('kafka_consumergroup_lag')).toEqual([`crm ${PAYMENTS}[0] 5`]);
        now.mockReturnValue(start + 4_000);
        transport.emit('positioned', { topic: PAYMENTS, partition: 0, next: '12', end: '12', nextWrittenAt: start });
        expect(await scrapedLag('kafka_consumergroup_lag')).toEqual([`crm ${PAYMENTS}[0] 0`]);
        expect(kafka.asked).toBe(1);
        now.mockReturnValue(start + 5_000);
        await registry.metrics();
        expect(kafka.asked).toBe(2);
      } finally {
        now.mockRestore();
      }
    });

    it('leaves out the partitions revoked from it, which another instance tells now', async () => {
      transport.emit('assigned', { group: 'crm', partitions: [{ topic: PAYMENTS, partition: 0 }, { topic: PAYMENTS, partition: 1 }] });
      expect(await scrapedLag('kafka_consumergroup_lag')).toHaveLength(2);
      transport.emit('assigned', { group: 'crm', partitions: [{ topic: PAYMENTS, partition: 1 }] });
      expect(await scrapedLag('kafka_consumergroup_lag')).toEqual([`crm ${PAYMENTS}[1] 0`]);
    });

    it('exports none, and asks Kafka nothing, while the instance owns no partition', async () => {
      transport.emit('assigned', { group: 'crm', partitions: [{ topic: PAYMENTS, partition: 0 }] });
      transport.emit('assigned', { group: 'crm', partitions: [] });
      expect(await scrapedLag('kafka_consumergroup_lag')).toEqual([]);
      expect(kafka.asked).toBe(0);
    });

    it('is left out of a scrape when Kafka does not answer, the rest of the scrape whole, and asked for again at the next', async () => {
      transport.emit('assigned', { group: 'crm', partitions: [{ topic: PAYMENTS, partition: 0 }] });
      kafka.answers = false;
      const scraped = await registry.metrics();
      expect(scraped).not.toMatch(/^kafka_consumergroup_lag\{/m);
      expect(scraped).toMatch(/^ensemble_consumer_start_failures_total 0$/m);
      kafka.answers = true;
      expect(await scrapedLag('kafka_consumergroup_lag')).toEqual([`crm ${PAYMENTS}[0] 5`]);
    });
  });
});
