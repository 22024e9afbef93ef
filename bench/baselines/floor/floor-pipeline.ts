import { ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { Kafka } from 'kafkajs';
import { Client } from 'pg';
import { PlatformConfig, reactingTo } from '@ensemble/config';
import { waitUntilHealthy } from '@ensemble/process';
import { pollUntil } from '@ensemble/retry';
import { groupOf } from './floor-environment';

const DATABASE = 'bench_floor';

/** The floor carries the PaymentCompleted leg: a consumer for each service that reacts to it. */
const FLOOR_CONSUMERS = reactingTo('PaymentCompleted');

/**
 * The floor for Ensemble's end-to-end figures on this machine: the same durable steps with the
 * same durability and no framework (floor-writer.ts, four floor-consumer.ts), each in a process of
 * its own as Ensemble's services are, on the same Kafka (acks=all, a topic of as many partitions)
 * and PostgreSQL. A baseline to print ratios against, never to be slowed to flatter one. It carries
 * the PaymentCompleted leg only: Ensemble's invoice and shipping also publish a follow-on event
 * each, which dashboards applies, so per payment Ensemble relays three events where the floor
 * relays one.
 */
export class FloorPipeline {
  private constructor(
    readonly url: string,
    /** pid -> name, as bench/machine.ts' cpuSecondsByProcess takes them. */
    readonly processes: ReadonlyMap<number, string>,
    private readonly children: ChildProcess[],
    private readonly db: Client,
    private readonly kafka: Kafka,
    private readonly topic: string,
    private readonly config: PlatformConfig,
  ) {}

  static async start(config: PlatformConfig, kafka: Kafka, port: number): Promise<FloorPipeline> {
    const databaseUrl = await createDatabase(config);
    const db = new Client({ connectionString: databaseUrl });
    await db.connect();
    const topic = `bench.floor-${randomUUID().slice(0, 8)}`;
    const admin = kafka.admin();
    await admin.connect();
    try {
      await admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: 6, replicationFactor: config.kafka.brokers.length >= 3 ? 3 : 1 }] });
    } finally {
      await admin.disconnect();
    }
    const env = { ...process.env, FLOOR_DATABASE_URL: databaseUrl, FLOOR_TOPIC: topic };
    const start = (file: string, extra: Record<string, string>) =>
      spawn(process.execPath, ['--import', 'tsx', join(__dirname, file)], { env: { ...env, ...extra }, stdio: ['ignore', 'pipe', 'inherit'] });
    const writer = start('floor-writer.ts', { FLOOR_PORT: String(port) });
    const consumers = FLOOR_CONSUMERS.map((name) => ({ name, child: start('floor-consumer.ts', { FLOOR_CONSUMER: name }) }));
    const url = `http://127.0.0.1:${port}`;
    await Promise.all([
      waitUntilHealthy('floor writer', url, { timeoutMs: 60_000 }),
      ...consumers.map(({ child }) => once(child.stdout!, 'data')),
    ]);
    const processes = new Map<number, string>([[writer.pid!, 'floor writer'], ...consumers.map(({ name, child }): [number, string] => [child.pid!, `floor ${name}`])]);
    return new FloorPipeline(url, processes, [writer, ...consumers.map(({ child }) => child)], db, kafka, topic, config);
  }

  /** Waits until every consumer has applied `payments` events. */
  async waitUntilApplied(payments: number, timeoutMs: number): Promise<void> {
    await pollUntil(
      async () => {
        const { rows } = await this.db.query('SELECT count(*)::int AS applied FROM floor_inbox');
        return rows[0].applied >= payments * FLOOR_CONSUMERS.length;
      },
      { intervalMs: 50, timeoutMs, description: `the floor's consumers to apply ${payments} payments` },
    );
  }

  /** When each consumer applied each payment's event (the start of its transaction), by payment id. */
  async appliedAt(): Promise<Map<string, Map<string, number>>> {
    const { rows } = await this.db.query(
      `SELECT inbox.consumer, outbox.aggregate_id AS payment_id, inbox.processed_at FROM floor_inbox inbox JOIN floor_outbox outbox ON outbox.id = inbox.event_id`,
    );
    const applied = new Map<string, Map<string, number>>();
    for (const row of rows) {
      if (!applied.has(row.consumer)) applied.set(row.consumer, new Map());
      applied.get(row.consumer)!.set(row.payment_id, (row.processed_at as Date).getTime());
    }
    return applied;
  }

  /** Stops the processes and removes what the run made: the topic, the consumers' groups, the database. */
  async stop(): Promise<void> {
    const running = this.children.filter((child) => child.exitCode === null && child.signalCode === null);
    await Promise.all(running.map((child) => (child.kill(), once(child, 'exit'))));
    await this.db.end();
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      await admin.deleteTopics({ topics: [this.topic] });
      await admin.deleteGroups(FLOOR_CONSUMERS.map((name) => groupOf(this.topic, name)));
    } finally {
      await admin.disconnect();
    }
    await dropDatabase(this.config);
  }
}

/** Runs `statements` on the server's maintenance database, where databases are created and dropped. */
async function onServer(config: PlatformConfig, statements: string[]): Promise<void> {
  const server = new URL(config.databases.payments);
  server.pathname = '/postgres';
  const admin = new Client({ connectionString: server.toString() });
  await admin.connect();
  try {
    for (const statement of statements) await admin.query(statement);
  } finally {
    await admin.end();
  }
}

function dropDatabase(config: PlatformConfig): Promise<void> {
  return onServer(config, [`DROP DATABASE IF EXISTS ${DATABASE} WITH (FORCE)`]);
}

/** A new, empty database for the floor, beside the services' own, with its tables. */
async function createDatabase(config: PlatformConfig): Promise<string> {
  await onServer(config, [`DROP DATABASE IF EXISTS ${DATABASE} WITH (FORCE)`, `CREATE DATABASE ${DATABASE}`]);
  const server = new URL(config.databases.payments);
  server.pathname = `/${DATABASE}`;
  const db = new Client({ connectionString: server.toString() });
  await db.connect();
  try {
    await db.query(`
      CREATE TABLE floor_payments (id uuid PRIMARY KEY, idempotency_key text NOT NULL UNIQUE, body text NOT NULL);
      CREATE TABLE floor_outbox (sequence bigserial, id uuid PRIMARY KEY, aggregate_id uuid NOT NULL, payload jsonb NOT NULL, published_at timestamptz);
      CREATE INDEX floor_outbox_pending ON floor_outbox (sequence) WHERE published_at IS NULL;
      CREATE TABLE floor_inbox (consumer text NOT NULL, event_id uuid NOT NULL, processed_at timestamptz NOT NULL DEFAULT now(), PRIMARY KEY (consumer, event_id));
      CREATE TABLE floor_effects (consumer text NOT NULL, payment_id uuid NOT NULL, amount_minor bigint NOT NULL, PRIMARY KEY (consumer, payment_id));
    `);
  } finally {
    await db.end();
  }
  return server.toString();
}
