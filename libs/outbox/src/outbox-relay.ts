import { EventEmitter } from 'node:events';
import { Client } from 'pg';
import { endedBy, retry, transient } from '@ensemble/retry';
import { RecordSpan, startSendSpan } from '@ensemble/tracing';
import { LaneLeases } from './lane-leases';
import { OUTBOX_CHANNEL } from './outbox-contract';
import { OutboxDestination, OutboxDestinationName, PendingRow, RowNotPublishableError } from './outbox-destination';

export interface OutboxRelayOptions {
  databaseUrl: string;
  /** Rows read and published per round trip under load. */
  batchSize: number;
  /** How long the relay sleeps when no NOTIFY arrives: the fallback if a notification is lost. */
  pollIntervalMs: number;
  /** Published rows older than this are deleted. */
  retentionMs: number;
  /** How often the relay counts the relays and takes or gives up lanes to hold its fair share. */
  rebalanceIntervalMs: number;
  /** How often the holder of lane 0 deletes expired rows and checks for dead row versions. */
  maintenanceIntervalMs: number;
  /** Dead row versions in the outbox above which the relay vacuums it. */
  vacuumThreshold: number;
}

/** Batches one drain publishes at most before the relay rebalances its lanes. */
const DRAIN_BATCHES = 20;

export const DEFAULT_RELAY_OPTIONS: Omit<OutboxRelayOptions, 'databaseUrl'> = {
  batchSize: 500,
  pollIntervalMs: 1_000,
  rebalanceIntervalMs: 1_000,
  // Kafka keeps the events; published rows stay an hour for inspection. Kept longer, a busy outbox grows
  // large enough that each vacuum takes long, and the vacuum holds up the publishing.
  retentionMs: 3_600_000,
  maintenanceIntervalMs: 10_000,
  vacuumThreshold: 10_000,
};

/** A pending row encoded for its destination. */
interface EncodedRow {
  row: PendingRow;
  outgoing: unknown;
  /** From the send until the broker acknowledges the record; the record carries its traceparent. */
  span: RecordSpan;
}

/** What the relay reports, for logs and metrics; the relay itself never logs. */
export interface OutboxRelayEvents {
  /** Rows the broker acknowledged were marked published: how many, how long since their send, and each one's time from its writing to the acknowledgement. */
  published: [{ count: number; durationMs: number; latenciesMs: number[] }];
  lanes: [{ held: number[] }];
  /** Connecting or a pass failed: the relay connects again after `retryInMs`; `failures` in a row since a pass last went through. */
  failed: [{ error: Error; failures: number; retryInMs: number }];
  /** A row that cannot be published was set aside; later rows of its aggregate wait behind it. */
  parked: [{ id: string; aggregateId: string; eventType: string; topic: string; reason: string }];
  maintained: [{ deleted: number; vacuumed: number }];
  maintenanceFailed: [{ error: Error }];
}

/**
 * Publishes the outbox rows of one destination (Kafka, or a work queue), at least once and in order
 * per aggregate.
 *
 * A row is marked published only after its broker has acknowledged it (Kafka: acks=all, idempotent
 * producer; RabbitMQ: publisher confirms), so a crash between the two re-sends the same id after
 * restart and never loses a row; consumers deduplicate on it. Order per aggregate holds across
 * relay instances because a lane (a hash of the aggregate id) is published by whichever single
 * relay holds its lease, reading its rows in sequence order, one batch at a time.
 */
export class OutboxRelay extends EventEmitter<OutboxRelayEvents> {
  private client?: Client;
  private leases?: LaneLeases;
  private running = false;
  private stopped = new AbortController();
  private loop?: Promise<void>;
  private notified = false;
  private waiter?: () => void;
  private lastMaintenance = 0;
  private maintenance?: Promise<void>;
  private lastRebalance = 0;
  /** Aggregates with a row parked during the current pass: their later rows wait. */
  private readonly parkedAggregates = new Set<string>();

  constructor(
    private readonly options: OutboxRelayOptions,
    private readonly publisher: OutboxDestination,
  ) {
    super();
  }

  /** The broker whose rows this relay publishes. */
  get destination(): OutboxDestinationName {
    return this.publisher.name;
  }

  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    this.stopped = new AbortController();
    // Connecting is part of the loop: a broker or database that is down is waited for, and the service starts all the same.
    this.loop = this.run();
  }

  /** Lets the batch in hand finish and be marked, then releases every lease; waits for a maintenance under way. */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.stopped.abort();
    this.wakeUp();
    await this.loop;
    await this.maintenance;
    await this.publisher.disconnect();
  }

  /**
   * Publishes from the held lanes, batch after batch, until a read comes back short (or after
   * {@link DRAIN_BATCHES} batches, so that lanes can be rebalanced); returns how many rows it published.
   * The next batch is read and encoded while the current one is in flight, leaving out the rows in
   * flight; it is sent once the current one is acknowledged, so each lane still reaches Kafka in
   * sequence order, and the acknowledged batch is marked published while the next is in flight. A
   * failure before a mark leaves that batch and the ones after it unmarked: they are sent again, in order.
   */
  async relayPendingEvents(): Promise<number> {
    const client = this.client;
    const lanes = this.leases?.held ?? [];
    if (!client || lanes.length === 0) return 0;
    let published = 0;
    let inFlight: { rows: EncodedRow[]; sent: Promise<number>; started: number } | undefined;
    let more = true;
    for (let batch = 1; more || inFlight; batch++) {
      const read: PendingRow[] = more ? await this.readPending(client, lanes, inFlight?.rows.map((encoded) => encoded.row) ?? []) : [];
      more = read.length === this.options.batchSize && batch < DRAIN_BATCHES;
      let rows = await this.encode(client, read);
      const acknowledged = inFlight;
      inFlight = undefined;
      let sentRows = acknowledged?.rows ?? [];
      let acknowledgedAt = 0;
      if (acknowledged) {
        try {
          acknowledgedAt = await acknowledged.sent;
        } catch (error) {
          if (!this.publisher.isRefusedForGood(error)) throw error;
          // Some record of the batch will never be taken: find it by sending them one by one, park it, and go on.
          sentRows = await this.sendOneByOne(client, acknowledged.rows);
          acknowledgedAt = Date.now();
          rows = rows.filter((encoded) => !this.parkedAggregates.has(encoded.row.aggregate_id));
        }
        for (const { span } of sentRows) span.end(undefined, acknowledgedAt);
      }
      if (rows.length > 0) {
        // Resolves with when the broker acknowledged, which is usually while the next batch is read and encoded.
        const sent = this.publisher.send(rows.map((encoded) => encoded.outgoing)).then(() => Date.now());
        // Awaited in the next round; this only keeps a failure meanwhile from going unhandled.
        sent.catch(() => undefined);
        inFlight = { rows, sent, started: Date.now() };
      }
      if (acknowledged && sentRows.length > 0) {
        await this.markPublished(client, sentRows);
        this.emit('published', {
          count: sentRows.length,
          durationMs: Date.now() - acknowledged.started,
          latenciesMs: sentRows.map((encoded) => acknowledgedAt - encoded.row.created_at.getTime()),
        });
        published += sentRows.length;
      }
    }
    this.parkedAggregates.clear();
    return published;
  }

  private async markPublished(client: Client, rows: EncodedRow[]): Promise<void> {
    await client.query({
      name: 'outbox-mark-published',
      text: 'UPDATE outbox SET published_at = now() WHERE id = ANY($1::uuid[])',
      values: [rows.map((encoded) => encoded.row.id)],
    });
  }

  /** Sends rows one at a time, in order; parks each that the broker refuses for good, and skips the later rows of its aggregate. Returns those sent. */
  private async sendOneByOne(client: Client, rows: EncodedRow[]): Promise<EncodedRow[]> {
    const sent: EncodedRow[] = [];
    for (const encoded of rows) {
      if (this.parkedAggregates.has(encoded.row.aggregate_id)) continue;
      try {
        await this.publisher.send([encoded.outgoing]);
        sent.push(encoded);
      } catch (error) {
        if (!this.publisher.isRefusedForGood(error)) throw error;
        encoded.span.end('refused by the broker for good');
        await this.park(client, encoded.row, `the broker refuses it: ${(error as Error).message}`);
      }
    }
    return sent;
  }

  /**
   * Encodes rows in sequence order. A row that cannot be encoded (its payload no longer matches the
   * registered schema, or its event type is unknown) is parked, and the later rows of its aggregate
   * are left for after it; a registry that does not answer fails the whole read, to be tried again.
   */
  private async encode(client: Client, rows: PendingRow[]): Promise<EncodedRow[]> {
    const encoded: EncodedRow[] = [];
    for (const row of rows) {
      if (this.parkedAggregates.has(row.aggregate_id)) continue;
      const span = startSendSpan(row.headers.traceparent, { system: this.publisher.name, topic: row.topic, eventId: row.id, eventType: row.event_type });
      try {
        encoded.push({ row, outgoing: await this.publisher.encode(row, span.traceparent), span });
      } catch (error) {
        span.end(error instanceof RowNotPublishableError ? 'not publishable' : 'not encoded');
        if (!(error instanceof RowNotPublishableError)) throw error;
        await this.park(client, row, error.message);
      }
    }
    return encoded;
  }

  private async park(client: Client, row: PendingRow, reason: string): Promise<void> {
    await client.query('UPDATE outbox SET parked_at = now(), parked_reason = $2 WHERE id = $1', [row.id, reason.slice(0, 1_000)]);
    this.parkedAggregates.add(row.aggregate_id);
    this.emit('parked', { id: row.id, aggregateId: row.aggregate_id, eventType: row.event_type, topic: row.topic, reason });
  }

  private async readPending(client: Client, lanes: number[], inFlight: PendingRow[]): Promise<PendingRow[]> {
    const { rows } = await client.query<PendingRow>({
      name: 'outbox-read-pending',
      text: `SELECT id, topic, aggregate_id, event_type, payload, headers, created_at FROM outbox
              WHERE published_at IS NULL AND parked_at IS NULL AND destination = $4 AND lane = ANY($1::smallint[]) AND id <> ALL($3::uuid[])
                -- Rows of an aggregate with a parked row before them wait behind it: order per aggregate holds.
                AND NOT EXISTS (SELECT FROM outbox parked
                                 WHERE parked.parked_at IS NOT NULL AND parked.destination = $4 AND parked.aggregate_id = outbox.aggregate_id
                                   AND parked.sequence < outbox.sequence)
              ORDER BY sequence LIMIT $2`,
      values: [lanes, this.options.batchSize, inFlight.map((row) => row.id), this.publisher.name],
    });
    return rows;
  }

  /**
   * Connects and relays until stopped; connects again after any failure, with a backoff that grows
   * across reconnects and starts over only once a pass has gone through.
   */
  private async run(): Promise<void> {
    await retry(
      async (_attempt, _bail, passed) => {
        try {
          await this.publisher.connect();
          await this.connect();
          // A scheduler rather than a retry: a pass as soon as a NOTIFY came or a batch came back full, else after the poll interval.
          while (this.running) {
            await this.rebalanceIfDue();
            const published = await this.relayPendingEvents();
            passed();
            this.maintainIfDue();
            if (published < this.options.batchSize) await this.waitForNotification();
          }
        } catch (error) {
          // Whatever failed, the relay connects again: a database or broker that is away is waited for, whatever kafkajs says of its spent retries.
          throw transient(error);
        } finally {
          await this.disconnect();
        }
      },
      {
        initialMs: 200,
        maxMs: 10_000,
        signal: this.stopped.signal,
        onRetry: (error, { failures, delayMs }) => this.emit('failed', { error: (error as Error).cause as Error, failures, retryInMs: delayMs }),
      },
    ).catch(endedBy(this.stopped.signal));
  }

  private async connect(): Promise<void> {
    const client = new Client({ connectionString: this.options.databaseUrl, application_name: 'outbox-relay' });
    // A dropped connection surfaces as a failed query in the loop, which reconnects.
    client.on('error', () => undefined);
    client.on('notification', () => this.wakeUp());
    await client.connect();
    this.client = client;
    // Pending rows are read in index order (see the outbox_pending migration): a plain index scan marks
    // the entries of published rows dead as it passes them; a bitmap scan, which the planner prefers
    // for a small LIMIT, would visit them all again on every read until a vacuum.
    await client.query('SET enable_bitmapscan = off');
    await client.query(`LISTEN ${OUTBOX_CHANNEL}`);
    this.leases = new LaneLeases(client, this.publisher.name);
    await this.leases.join();
    this.lastRebalance = 0;
  }

  /**
   * Takes free lanes or gives up lanes above the fair share, at most once per rebalance interval:
   * counting the relays is a query of its own, too dear to make before every batch.
   */
  private async rebalanceIfDue(): Promise<void> {
    if (Date.now() - this.lastRebalance < this.options.rebalanceIntervalMs) return;
    this.lastRebalance = Date.now();
    await this.leases!.rebalance();
    this.emit('lanes', { held: this.leases!.held });
  }

  private async disconnect(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    this.leases = undefined;
    // Closing the session releases every lease at once.
    await client?.end().catch(() => undefined);
  }

  /** Returns at once if a NOTIFY came during the last batch, else at the next one or after the poll interval. */
  private async waitForNotification(): Promise<void> {
    if (!this.notified) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => this.wakeUp(), this.options.pollIntervalMs);
        this.waiter = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
    this.notified = false;
  }

  private wakeUp(): void {
    this.notified = true;
    const waiter = this.waiter;
    this.waiter = undefined;
    waiter?.();
  }

  /**
   * Keeps the outbox small for the relay's own query: deletes published rows past retention and,
   * once marking rows published has left many dead row versions (each still listed in the pending
   * index until a vacuum), vacuums the table. Autovacuum would do the latter where it is on and
   * keeping up; without it, every relay read walks the dead versions, and a short vacuum makes the
   * reads cheap again. Done by the holder of lane 0 only, so relays do not queue on it, and on a
   * connection of its own beside the publishing, which a vacuum would otherwise hold up.
   */
  private maintainIfDue(): void {
    if (this.maintenance || Date.now() - this.lastMaintenance < this.options.maintenanceIntervalMs || !this.leases!.held.includes(0)) return;
    this.lastMaintenance = Date.now();
    this.maintenance = this.maintain()
      .catch((error: Error) => void this.emit('maintenanceFailed', { error }))
      .finally(() => (this.maintenance = undefined));
  }

  private async maintain(): Promise<void> {
    const client = new Client({ connectionString: this.options.databaseUrl, application_name: 'outbox-maintenance' });
    client.on('error', () => undefined);
    await client.connect();
    try {
      const deleted = await client.query(
        `DELETE FROM outbox WHERE id IN (
           SELECT id FROM outbox WHERE published_at < now() - $1 * interval '1 millisecond' AND destination = $2 LIMIT 10000)`,
        [this.options.retentionMs, this.publisher.name],
      );
      const { rows } = await client.query<{ dead: string }>(`SELECT n_dead_tup AS dead FROM pg_stat_user_tables WHERE relid = 'outbox'::regclass`);
      const dead = Number(rows[0]?.dead ?? 0);
      const vacuum = dead >= this.options.vacuumThreshold;
      if (vacuum) await client.query('VACUUM outbox');
      if (deleted.rowCount || vacuum) this.emit('maintained', { deleted: deleted.rowCount ?? 0, vacuumed: vacuum ? dead : 0 });
    } finally {
      await client.end().catch(() => undefined);
    }
  }
}
