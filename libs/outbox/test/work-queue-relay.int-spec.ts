import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { loadPlatformConfig } from '@ensemble/config';
import { createScratchDatabase, eventually, PrivateRabbitMqNode, ScratchDatabase } from '@ensemble/testing';
import { Job, WorkQueuePublisher, WorkQueueWorker } from '@ensemble/work-queue';
import { WorkQueueDestination } from '../src/destinations/work-queue-destination';
import { OUTBOX_MIGRATIONS } from '../src/migrations';
import { measureOutboxBacklog } from '../src/outbox-backlog';
import { DEFAULT_RELAY_OPTIONS, OutboxRelay } from '../src/outbox-relay';

const config = loadPlatformConfig();
const QUEUE = 'spec.jobs';
const MAX_MESSAGE_BYTES = 64 * 1024;
const home = mkdtempSync(join(tmpdir(), 'ensemble-work-queue-relay-spec-'));

/**
 * The outbox's second destination against a RabbitMQ node of the spec's own (a message size limit
 * of its own, so that a job can be refused for good): jobs reach the queue with the guarantees
 * events have, whichever relay holds their lane.
 */
describe('OutboxRelay to a work queue, against real PostgreSQL and RabbitMQ', () => {
  const node = new PrivateRabbitMqNode({ label: 'work-queue-relay-spec', amqpPort: 15676, baseDir: join(home, 'node'), config: [`max_message_size = ${MAX_MESSAGE_BYTES}`] });
  const settings = { url: node.url, queue: QUEUE, prefetch: 50, retryDelaysMs: [200] };
  let database: ScratchDatabase;
  let db: Client;
  const relays: OutboxRelay[] = [];
  const received: Job[] = [];
  let worker: WorkQueueWorker;

  beforeAll(async () => {
    await node.start();
    database = await createScratchDatabase(config.databases.notifications, 'work_queue_relay_spec', OUTBOX_MIGRATIONS);
    db = new Client({ connectionString: database.url });
    await db.connect();
    worker = new WorkQueueWorker(settings, async (job) => void received.push(job));
    await worker.start();
  }, 120_000);

  afterAll(async () => {
    await Promise.all(relays.map((relay) => relay.stop()));
    await worker?.stop();
    await db?.end();
    await database?.drop();
    await node.stop();
    await node.remove();
    rmSync(home, { recursive: true, force: true });
  }, 60_000);

  function startRelay(): OutboxRelay {
    const relay = new OutboxRelay(
      { ...DEFAULT_RELAY_OPTIONS, databaseUrl: database.url, batchSize: 50, pollIntervalMs: 200, rebalanceIntervalMs: 50 },
      new WorkQueueDestination(new WorkQueuePublisher(settings), QUEUE),
    );
    relays.push(relay);
    void relay.start();
    return relay;
  }

  /** Jobs as OutboxWriter.appendJobs writes them: destination rabbitmq, the queue as topic, a JSON body. */
  async function appendJobs(jobs: Array<{ aggregate: string; n: number; padding?: number }>): Promise<void> {
    for (const { aggregate, n, padding } of jobs) {
      await db.query(
        `INSERT INTO outbox (id, destination, aggregate_type, aggregate_id, event_type, topic, payload, headers) VALUES ($1, 'rabbitmq', 'Job', $2, 'spec-job', $3, $4, '{}')`,
        [randomUUID(), aggregate, QUEUE, JSON.stringify({ aggregate, n, padding: 'x'.repeat(padding ?? 0) })],
      );
    }
  }

  const bodyOf = (job: Job) => JSON.parse(job.body.toString()) as { aggregate: string; n: number };

  it('hands every job to the queue once, in order per aggregate, with two relays sharing the lanes, and leaves Kafka rows alone', async () => {
    const kafkaRow = randomUUID();
    await db.query(`INSERT INTO outbox (id, aggregate_type, aggregate_id, event_type, topic, payload) VALUES ($1, 'Order', 'o', 'PaymentCompleted', 't', '{}')`, [kafkaRow]);
    startRelay();
    startRelay();
    const aggregates = Array.from({ length: 20 }, () => randomUUID());
    for (let n = 1; n <= 10; n++) {
      await appendJobs(aggregates.map((aggregate) => ({ aggregate, n })));
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await eventually(async () => (received.length >= 200 ? true : undefined), 'the 200 jobs to reach the worker');
    const byAggregate = new Map<string, number[]>();
    for (const job of received) byAggregate.set(bodyOf(job).aggregate, [...(byAggregate.get(bodyOf(job).aggregate) ?? []), bodyOf(job).n]);
    for (const aggregate of aggregates) expect(byAggregate.get(aggregate)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(new Set(received.map((job) => job.messageId)).size).toBe(200);
    expect(await measureOutboxBacklog(db, 'rabbitmq')).toEqual({ pending: 0, oldestPendingSeconds: 0, parked: 0 });
    // The Kafka row is the Kafka relays' to publish: untouched here.
    expect((await db.query('SELECT published_at FROM outbox WHERE id = $1', [kafkaRow])).rows[0].published_at).toBeNull();
  });

  it('parks a job the broker refuses for good (over its message size), holds back only its aggregate, and the rest goes on', async () => {
    received.length = 0;
    const [large, free] = [randomUUID(), randomUUID()];
    await appendJobs([
      { aggregate: large, n: 1, padding: MAX_MESSAGE_BYTES * 2 },
      { aggregate: free, n: 1 },
      { aggregate: large, n: 2 },
      { aggregate: free, n: 2 },
    ]);
    await eventually(async () => (received.length >= 2 ? true : undefined), 'the free aggregate to pass');
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(received.map(bodyOf)).toEqual([
      { aggregate: free, n: 1, padding: '' },
      { aggregate: free, n: 2, padding: '' },
    ]);
    expect(await measureOutboxBacklog(db, 'rabbitmq')).toMatchObject({ pending: 2, parked: 1 });
    const { rows } = await db.query(`SELECT parked_reason FROM outbox WHERE aggregate_id = $1 AND parked_at IS NOT NULL`, [large]);
    expect(rows[0].parked_reason).toMatch(/refuses it/);
  });
});
