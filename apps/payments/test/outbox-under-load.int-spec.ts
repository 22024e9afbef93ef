import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { loadPlatformConfig } from '@ensemble/config';
import { EventCodec } from '@ensemble/event-codec';
import { createEventCodec } from '@ensemble/event-codec/registry-codec';
import { loadEventCatalogue, PaymentCompleted } from '@ensemble/events';
import { createKafka } from '@ensemble/kafka/create-kafka';
import { paymentBody, postPayment, ServiceProcess, TopicReader } from '@ensemble/testing';

const config = loadPlatformConfig();
const codec = createEventCodec(config.schemaRegistry.url, loadEventCatalogue());
const topic = new TopicReader(createKafka(config, 'payments-load-spec'), 'payments.payment-completed');

/** Posts `count` payments with distinct keys, `concurrency` at a time; calls `onAccepted` after each 201. */
async function postBurst(url: string, count: number, concurrency: number, onAccepted: (accepted: number) => void = () => undefined) {
  const ids: string[] = [];
  let next = 0;
  async function worker() {
    while (next < count) {
      const seed = next++;
      const response = await postPayment(url, paymentBody(seed));
      expect(response.status).toBe(201);
      ids.push(response.body.id);
      onAccepted(ids.length);
    }
  }
  await Promise.all(Array.from({ length: concurrency }, worker));
  return ids;
}

async function eventsFor(ids: string[]): Promise<PaymentCompleted[]> {
  const wanted = new Set(ids);
  const seen = new Set<string>();
  // Called after each record: only the newest one needs a look.
  const records = await topic.readUntil((read) => {
    const key = read[read.length - 1].message.key?.toString();
    if (key && wanted.has(key)) seen.add(key);
    return seen.size === wanted.size;
  }, 60_000);
  const mine = records.filter((record) => wanted.has(record.message.key?.toString() ?? ''));
  return Promise.all(mine.map(async (record) => (await codec.decode('payments.payment-completed', record.message.value)) as PaymentCompleted));
}

describe('the payments outbox under load, with real processes', () => {
  const processes: ServiceProcess[] = [];
  let db: Client;

  beforeAll(async () => {
    db = new Client({ connectionString: config.databases.payments });
    await db.connect();
  });

  afterEach(async () => {
    await Promise.all(processes.splice(0).map((process) => process.stop()));
  });

  afterAll(() => db.end());

  it('turns 1,000 concurrent POSTs into exactly 1,000 events, each eventId once, with two relays', async () => {
    processes.push(await ServiceProcess.start('payments', { port: 3101, name: 'payments-load-1' }));
    processes.push(await ServiceProcess.start('payments', { port: 3102, name: 'payments-load-2' }));
    await topic.mark();

    const responses = await Promise.all(Array.from({ length: 1_000 }, (_, seed) => postPayment(processes[seed % 2].url, paymentBody(seed), randomUUID())));
    const ids = responses.map((response) => response.body.id as string);
    const events = await eventsFor(ids);

    expect(responses.every((response) => response.status === 201)).toBe(true);
    expect(new Set(ids).size).toBe(1_000);
    expect(events).toHaveLength(1_000);
    expect(new Set(events.map((event) => event.envelope.eventId)).size).toBe(1_000);
    expect(new Set(events.map((event) => event.paymentId))).toEqual(new Set(ids));
    expect(await topic.countSinceMark()).toBe(1_000);
  });

  it('loses no event when the relay process is killed with SIGKILL in the middle of a burst and restarted', async () => {
    const api = await ServiceProcess.start('payments', { port: 3103, name: 'payments-api', env: { OUTBOX_RELAY: 'off' } });
    processes.push(api);
    let relay = await ServiceProcess.start('payments', { port: 3104, name: 'payments-relay', env: { OUTBOX_POLL_INTERVAL_MS: '50' } });
    await topic.mark();

    let killed: Promise<void> | undefined;
    const ids = await postBurst(api.url, 600, 20, (accepted) => {
      if (accepted === 200) killed = relay.kill();
    });
    await killed;
    const { rows } = await db.query('SELECT count(*)::int AS pending FROM outbox WHERE published_at IS NULL AND aggregate_id = ANY($1)', [ids]);
    relay = await ServiceProcess.start('payments', { port: 3104, name: 'payments-relay' });
    processes.push(relay);
    const events = await eventsFor(ids);

    expect(rows[0].pending).toBeGreaterThan(0); // the kill really left work behind
    expect(new Set(events.map((event) => event.paymentId))).toEqual(new Set(ids));
  });
});
