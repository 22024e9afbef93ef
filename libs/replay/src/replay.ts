import { EventEmitter } from 'node:events';
import { Admin, Consumer, EachBatchPayload, Kafka, KafkaMessage } from 'kafkajs';
import { DataSource, MigrationInterface } from 'typeorm';
import { ServiceName } from '@ensemble/config';
import { ApplyControl, DeliveredRecord, EventTransport } from '@ensemble/event-consumer';
import { committedOffsets, headersAsStrings, isKafkaError, RecordPosition } from '@ensemble/kafka';
import { EnsembleError, pollUntil, retry, transient, WaitTimedOut } from '@ensemble/retry';
import { ShadowSchema } from './shadow-schema';
import { OpenWork } from './open-work';
import { ReplayWindow } from './replay-window';

/** Records applied to the shadow per transaction: large, since nothing else waits on these rows. */
const CHUNK = 1_000;
/** How long a swap may hold the live tables while the shadow applies what the live consumer applied last. */
const SWAP_WAIT_MS = 2_000;
/** Swap attempts, with the shadow caught up, after which a shadow still missing live events is given up. */
const SWAP_ATTEMPTS = 10;
const FOLLOW_INTERVAL_MS = 250;
const SKIPPED_LISTED = 100;
/** A replay's consumer is given up this long after its process died (the broker's minimum is 6 s). */
export const REPLAY_SESSION_TIMEOUT_MS = 10_000;

type Outcome = 'done' | 'failed' | 'cancelled';
export type ReplayState = 'preparing' | 'catching-up' | 'swapping' | Outcome;

export interface ReplayRequest {
  /** Start of a window replay (Kafka offsets for this time); from the beginning of every topic when absent. */
  from?: Date;
  /** End of a point-in-time snapshot, kept beside the live projection; when absent the replay rebuilds and swaps. */
  to?: Date;
}

export interface PartitionProgress {
  topic: string;
  partition: number;
  /** The next offset the replay reads. */
  position: number;
  /** The partition's end offset (high watermark), refreshed as the replay runs. */
  end: number;
  /** Where a snapshot stops (the first offset at or after `to`). */
  stop?: number;
  /** The live consumer group's committed offset, for comparison. */
  live?: number;
}

export interface SkippedRecord extends RecordPosition {
  /** When its headers name one. */
  eventId?: string;
  reason: string;
}

export interface ReplayProgress {
  id: string;
  service: ServiceName;
  kind: 'rebuild' | 'snapshot';
  from?: string;
  to?: string;
  state: ReplayState;
  startedAt: string;
  finishedAt?: string;
  recordsRead: number;
  eventsPerSecond: number;
  /** Records between the replay's positions and the partitions' ends (or stops). */
  remaining: number;
  partitions: PartitionProgress[];
  skipped: { count: number; first: SkippedRecord[] };
  swapAttempts: number;
  /** A snapshot's schema, once kept. */
  schema?: string;
  error?: string;
}

export interface ReplayDependencies {
  service: ServiceName;
  kafka: Kafka;
  dataSource: DataSource;
  transport: EventTransport;
  migrations: MigrationInterface[];
  window?: ReplayWindow;
  openWork?: OpenWork;
  /** Called once everything the replay held is let go, before it reports how it ended. */
  onFinished?: () => Promise<void>;
}

/** What a replay reports, for logs and metrics; the replay itself never logs. */
export interface ReplayEvents {
  /** A record left out of the shadow and listed: the live consumer dead-lettered it too, or it kept failing. */
  skipped: [SkippedRecord];
  /** The shadow is live, after `recordsRead` records and `attempt` swap attempts. */
  swapped: [{ recordsRead: number; attempt: number }];
  /** A swap attempt gave way to the live consumer; the replay catches up and tries again. */
  swapPostponed: [{ attempt: number; reason: string }];
  failed: [{ error: string }];
  groupNotDeleted: [{ groupId: string; error: Error }];
  /** Reported once everything the replay held is let go. */
  finished: [{ kind: 'rebuild' | 'snapshot'; outcome: Outcome; recordsRead: number; skipped: number }];
}

/** The shadow could not hold every event the live projection has applied within SWAP_WAIT_MS. */
class SwapPostponed extends EnsembleError {
  constructor(missing: number) {
    super(`the shadow misses ${missing} events the live projection has applied`, { retriable: true });
  }
}

/** Asked to stop: the shadow is dropped and the live projection untouched. */
class ReplayCancelled extends EnsembleError {
  constructor() {
    super('cancelled', { retriable: false });
  }
}

/**
 * One replay: reads the service's topics in a consumer group of its own into a shadow schema,
 * through the service's own handlers, while the live consumer goes on. A rebuild then swaps the
 * shadow in (see {@link ShadowSchema.replaceLive}); a snapshot (`to`) keeps it under `keepAs`.
 * Whatever ends it (done, failed, cancelled, the process killed), the live projection is either
 * untouched or wholly replaced.
 */
export class Replay extends EventEmitter<ReplayEvents> {
  readonly startedAt = new Date();
  /** The phase while running; `outcome` once finished (reported only after clean-up). */
  private state: ReplayState = 'preparing';
  private outcome: Outcome = 'failed';
  private finishedAt?: Date;
  private error?: string;
  private recordsRead = 0;
  private consumingSince?: number;
  private partitions: PartitionProgress[] = [];
  private readonly skipped: SkippedRecord[] = [];
  private skippedCount = 0;
  private swapAttempts = 0;
  private keptSchema?: string;
  private cancelled = false;
  /** Set while a swap waits for the applies in flight; no new one starts until it is cleared. */
  private halted = false;
  /** Set once the replay ends: nothing more is applied. */
  private ending = false;
  private readonly inFlight = new Set<Promise<void>>();
  private readonly source: { topics: string[]; rebuild: boolean };
  /** A window's start, aligned by the projection. */
  private readonly from?: Date;
  readonly finished: Promise<void>;

  constructor(
    readonly id: string,
    readonly request: ReplayRequest,
    private readonly deps: ReplayDependencies,
    /** What the snapshot is kept as; a rebuild swaps instead. */
    private readonly keepAs?: string,
  ) {
    super();
    this.source = deps.transport.replaySource;
    this.from = request.from && deps.window!.align(request.from);
    this.finished = this.run();
  }

  get kind(): 'rebuild' | 'snapshot' {
    return this.request.to ? 'snapshot' : 'rebuild';
  }

  get groupId(): string {
    return `${this.deps.service}.replay.${this.id}`;
  }

  /** Stops reading and drops the shadow; the live projection is untouched. Too late once the swap has committed. */
  async cancel(): Promise<void> {
    this.cancelled = true;
    await this.finished;
  }

  progress(): ReplayProgress {
    const elapsed = this.consumingSince ? ((this.finishedAt?.getTime() ?? Date.now()) - this.consumingSince) / 1_000 : 0;
    return {
      id: this.id,
      service: this.deps.service,
      kind: this.kind,
      from: this.from?.toISOString(),
      to: this.request.to?.toISOString(),
      state: this.finishedAt ? this.outcome : this.state,
      startedAt: this.startedAt.toISOString(),
      finishedAt: this.finishedAt?.toISOString(),
      recordsRead: this.recordsRead,
      eventsPerSecond: elapsed > 0 ? Math.round(this.recordsRead / elapsed) : 0,
      remaining: this.partitions.reduce((sum, p) => sum + Math.max(0, (p.stop ?? p.end) - p.position), 0),
      partitions: this.partitions.map((partition) => ({ ...partition })),
      skipped: { count: this.skippedCount, first: [...this.skipped] },
      swapAttempts: this.swapAttempts,
      schema: this.keptSchema,
      error: this.error,
    };
  }

  private async run(): Promise<void> {
    const { kafka, dataSource, migrations, window } = this.deps;
    let shadow: ShadowSchema | undefined;
    let consumer: Consumer | undefined;
    const admin = kafka.admin();
    try {
      await admin.connect();
      shadow = await ShadowSchema.create(dataSource, this.id, migrations);
      this.partitions = await this.plan(admin);
      if (this.from) await window!.keepBefore(dataSource, shadow, this.from, this.partitions);
      consumer = await this.consume();
      await this.follow(admin, shadow);
      this.outcome = 'done';
    } catch (error) {
      if (error instanceof ReplayCancelled) this.outcome = 'cancelled';
      else {
        this.outcome = 'failed';
        this.error = (error as Error).message;
        this.emit('failed', { error: this.error });
      }
    } finally {
      this.ending = true;
      await Promise.allSettled(this.inFlight);
      await consumer?.disconnect().catch(() => undefined);
      await admin.deleteGroups([this.groupId]).catch((error: Error) => void this.emit('groupNotDeleted', { groupId: this.groupId, error }));
      await admin.disconnect();
      await this.settleShadow(shadow);
      await this.deps.onFinished?.();
      this.finishedAt = new Date();
      this.emit('finished', { kind: this.kind, outcome: this.outcome, recordsRead: this.recordsRead, skipped: this.skippedCount });
    }
  }

  /** A finished snapshot is kept; a swapped rebuild's shadow is already live; anything else is dropped. */
  private async settleShadow(shadow: ShadowSchema | undefined): Promise<void> {
    if (!shadow) return;
    const { dataSource } = this.deps;
    try {
      if (this.outcome !== 'done') await shadow.drop(dataSource);
      else if (this.keepAs) {
        await shadow.keepAs(dataSource, this.keepAs);
        this.keptSchema = this.keepAs;
      } else await shadow.release();
    } catch (error) {
      this.outcome = 'failed';
      this.error = `could not ${this.keepAs ? `keep the snapshot as ${this.keepAs}` : 'drop the shadow'}: ${(error as Error).message}`;
      await shadow.release();
    }
  }

  /** Where each partition starts (the beginning, or the offsets for `from`) and, for a snapshot, stops. */
  private async plan(admin: Admin): Promise<PartitionProgress[]> {
    const partitions: PartitionProgress[] = [];
    for (const topic of this.source.topics) {
      const ends = await admin.fetchTopicOffsets(topic);
      const starts = this.from
        ? await admin.fetchTopicOffsetsByTimestamp(topic, this.from.getTime())
        : ends.map(({ partition, low }) => ({ partition, offset: low }));
      const stops = this.request.to ? await admin.fetchTopicOffsetsByTimestamp(topic, this.request.to.getTime()) : undefined;
      for (const { partition, high } of ends) {
        partitions.push({
          topic,
          partition,
          position: Number(starts.find((start) => start.partition === partition)!.offset),
          end: Number(high),
          stop: stops ? Number(stops.find((stop) => stop.partition === partition)!.offset) : undefined,
        });
      }
    }
    return partitions;
  }

  private async consume(): Promise<Consumer> {
    const consumer = this.deps.kafka.consumer({
      groupId: this.groupId,
      maxWaitTimeInMs: 100,
      maxBytesPerPartition: 4 * 1024 * 1024,
      sessionTimeout: REPLAY_SESSION_TIMEOUT_MS,
    });
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      if (!payload.restart) this.error ??= `consumer crashed: ${payload.error.message}`;
    });
    await consumer.connect();
    await consumer.subscribe({ topics: this.source.topics, fromBeginning: true });
    this.state = 'catching-up';
    this.consumingSince = Date.now();
    await consumer.run({
      autoCommit: true,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: 3,
      eachBatch: (payload) => this.consumeBatch(payload),
    });
    // A new group starts at the beginning; a window starts at the offsets for its time.
    if (this.from) for (const { topic, partition, position } of this.partitions) consumer.seek({ topic, partition, offset: String(position) });
    return consumer;
  }

  private async consumeBatch({ batch, resolveOffset, heartbeat, isRunning, isStale, pause }: EachBatchPayload): Promise<void> {
    const partition = this.partitions.find((p) => p.topic === batch.topic && p.partition === batch.partition)!;
    for (let start = 0; start < batch.messages.length; start += CHUNK) {
      if (!isRunning() || isStale() || this.ending) return;
      // Records before the position were applied already (or precede the window); those from the stop on are after the snapshot's time.
      const chunk = batch.messages
        .slice(start, start + CHUNK)
        .filter((message) => Number(message.offset) >= partition.position && (partition.stop === undefined || Number(message.offset) < partition.stop));
      if (chunk.length > 0) {
        const control: ApplyControl = { heartbeat, stopping: () => this.ending || !isRunning() };
        const records = await this.decode(batch.topic, batch.partition, chunk, control);
        await this.apply(records, control);
        const last = chunk[chunk.length - 1].offset;
        partition.position = Number(last) + 1;
        this.recordsRead += chunk.length;
        resolveOffset(last);
        await heartbeat();
      }
      if (partition.stop !== undefined && partition.position >= partition.stop) {
        partition.position = partition.stop;
        pause();
        return;
      }
    }
  }

  private async decode(topic: string, partition: number, messages: KafkaMessage[], control: ApplyControl): Promise<DeliveredRecord[]> {
    const records: DeliveredRecord[] = [];
    for (const message of messages) {
      const decoded = await this.deps.transport.decodeRecord(topic, message.value, control);
      const headers = headersAsStrings(message.headers);
      if ('event' in decoded) {
        records.push({ event: decoded.event, delivery: { topic, partition, offset: message.offset, headers } });
      } else {
        // The live consumer dead-lettered these bytes too: they never had an effect to rebuild.
        this.skip({ topic, partition, offset: message.offset, eventId: headers['event-id'], reason: `${decoded.refused.reason}: ${decoded.refused.message}` });
      }
    }
    return records;
  }

  /**
   * Applies records to the shadow through the consumer core, a chunk per transaction; a record that
   * keeps failing is skipped and listed, as the live consumer dead-lettered it.
   */
  private async apply(records: DeliveredRecord[], control: ApplyControl): Promise<void> {
    await pollUntil(() => !this.halted || this.ending, { intervalMs: 20, description: 'the swap to let applies go on' });
    if (this.ending) return;
    const target = { schema: this.shadowName, rebuild: this.source.rebuild, windowStart: this.from };
    const applying = this.deps.transport.apply(records, target, control).then((failures) => {
      for (const { record, failure } of failures) {
        const { topic, partition, offset, headers } = record.delivery;
        this.skip({ topic, partition, offset, eventId: headers['event-id'], reason: `${failure.reason}: ${failure.message}` });
      }
    });
    this.inFlight.add(applying);
    try {
      await applying;
    } finally {
      this.inFlight.delete(applying);
    }
  }

  private get shadowName(): string {
    return ShadowSchema.nameFor(this.id);
  }

  private skip(record: SkippedRecord): void {
    this.skippedCount++;
    if (this.skipped.length < SKIPPED_LISTED) this.skipped.push(record);
    this.emit('skipped', record);
  }

  /**
   * Follows the positions until the snapshot is complete, or the rebuild has caught up and swapped:
   * a postponed swap is tried again once caught up again, at most SWAP_ATTEMPTS times.
   */
  private async follow(admin: Admin, shadow: ShadowSchema): Promise<void> {
    if (this.kind === 'snapshot') {
      await this.followUntil(admin, () => this.partitions.every((p) => p.position >= p.stop!), 'the snapshot to reach its stops');
      this.ending = true;
      await Promise.allSettled(this.inFlight);
      return;
    }
    // Only a failed swap is tried again: whatever ends the follow ends the replay.
    await retry(
      async (_attempt, bail) => {
        await this.followUntil(admin, () => this.partitions.every((p) => p.position >= p.end), 'the shadow to catch up with the topics').catch(bail);
        await this.swap(shadow);
      },
      {
        initialMs: FOLLOW_INTERVAL_MS,
        maxMs: FOLLOW_INTERVAL_MS,
        onRetry: (error) => this.emit('swapPostponed', { attempt: this.swapAttempts, reason: (error as Error).message }),
      },
    );
  }

  /**
   * Refreshes the ends and live offsets until `done` holds; a Kafka that does not answer is waited
   * for. A crash of the replay's consumer, a cancel or any other error ends it.
   */
  private async followUntil(admin: Admin, done: () => boolean, description: string): Promise<void> {
    await pollUntil(
      async () => {
        if (this.error) throw new EnsembleError(this.error, { retriable: false });
        if (this.cancelled) throw new ReplayCancelled();
        await this.refreshEnds(admin).catch((error: unknown) => {
          throw isKafkaError(error) ? transient(error) : error;
        });
        return done();
      },
      { intervalMs: FOLLOW_INTERVAL_MS, description },
    );
  }

  private async refreshEnds(admin: Admin): Promise<void> {
    for (const topic of this.source.topics) {
      const ends = await admin.fetchTopicOffsets(topic);
      const live = this.source.rebuild ? [] : await committedOffsets(admin, this.deps.service, [topic]);
      for (const partition of this.partitions.filter((p) => p.topic === topic)) {
        partition.end = Number(ends.find((end) => end.partition === partition.partition)!.high);
        partition.live = live.find((p) => p.partition === partition.partition)?.committed;
      }
    }
  }

  /**
   * One attempt to put the shadow in the live projection's place: lock the live tables (the live
   * consumer waits), give the shadow up to SWAP_WAIT_MS to hold every event the live inbox holds,
   * then swap in the same transaction. Otherwise unlock, and throw for the follow to try again
   * later; after SWAP_ATTEMPTS attempts, throw for good.
   */
  private async swap(shadow: ShadowSchema): Promise<void> {
    this.state = 'swapping';
    this.swapAttempts++;
    try {
      await this.deps.dataSource.transaction(async (manager) => {
        await manager.query(`SET LOCAL lock_timeout = ${SWAP_WAIT_MS}`);
        await shadow.lockLive(manager);
        await this.deps.openWork?.carryOver(manager, shadow.name);
        let missing = await shadow.countMissing(manager);
        if (missing > 0) {
          // A failed count fails the transaction: the poll ends with it rather than query a transaction that is aborted.
          const count = () => shadow.countMissing(manager).catch((error: unknown) => Promise.reject(new EnsembleError((error as Error).message, { retriable: false, cause: error })));
          await pollUntil(async () => (missing = await count()) === 0, {
            intervalMs: 20,
            timeoutMs: SWAP_WAIT_MS,
            description: 'the shadow to hold every event the live projection has applied',
          }).catch((error: unknown) => {
            throw error instanceof WaitTimedOut ? new SwapPostponed(missing) : error;
          });
        }
        this.halted = true;
        await Promise.allSettled(this.inFlight);
        await shadow.replaceLive(manager);
      });
      this.emit('swapped', { recordsRead: this.recordsRead, attempt: this.swapAttempts });
    } catch (error) {
      this.halted = false;
      this.state = 'catching-up';
      if (this.swapAttempts >= SWAP_ATTEMPTS) {
        throw new EnsembleError(`gave up swapping after ${this.swapAttempts} attempts: ${(error as Error).message}`, { retriable: false, cause: error });
      }
      // Whatever failed this attempt, the follow tries again once the shadow has caught up again.
      throw transient(error);
    }
  }
}
