import { EventEmitter } from 'node:events';
import { CustomTransportStrategy, Server } from '@nestjs/microservices';
import { Batch, Consumer, EachBatchPayload, IMemberAssignment, Kafka, KafkaMessage, Message, Producer } from 'kafkajs';
import { lastValueFrom } from 'rxjs';
import { DataSource } from 'typeorm';
import { consumerGroup, ConsumerSettings, RETRY_ROUNDS, ServiceName } from '@ensemble/config';
import { EventCodec } from '@ensemble/event-codec';
import { EnsembleEvent, EventCatalogue } from '@ensemble/events';
import { createOrderedProducer, headersAsStrings, isRefusedForGood } from '@ensemble/kafka';
import { endedBy, pause as waitFor, retry, transient } from '@ensemble/retry';
import { checkHandlersAgainstDeclaration } from './declared-reactions';
import { PartitionPosition, TopicPartition } from './consumer-positions';
import { ApplyControl, ApplyTarget, DeliveredRecord, EventApplier, EventApplierEvents, keepMembership, RecordFailure, throwIfMembershipLost } from './event-applier';
import { Delivery, EventContext } from './event-context';
import { classifyFailure, Failure } from './failure';
import { FAILURE_HEADERS, failureTopics, FailureTopics } from './failure-topics';
import { isRebuildPattern, rebuiltEventType } from './rebuild-from';
import { readRetryHeaders } from './retry-headers';
import { RetrySigner } from './retry-signer';

export interface EventTransportOptions {
  service: ServiceName;
  catalogue: EventCatalogue;
  codec: EventCodec;
  kafka: Kafka;
  dataSource: DataSource;
  settings: ConsumerSettings;
}

/** A record of the chunk in hand with where it originally came from, decoded or refused. */
interface Received {
  message: KafkaMessage;
  delivery: Delivery;
  /** Rounds through the retry topics so far (0 for a record from an event topic). */
  attempts: number;
  event?: EnsembleEvent;
  refused?: Failure;
}

/** What the transport reports, for logs and metrics; the transport itself never logs. */
export interface EventTransportEvents extends EventApplierEvents {
  /** Starting failed, or the consumer crashed in a way kafkajs does not recover from: started again after `retryInMs`; `failures` in a row since it last joined its group. */
  startFailed: [{ error: Error; failures: number; retryInMs: number }];
  /** The consumer is fetching; it is a member of its group once it has joined. */
  consuming: [{ group: string; eventTopics: string[]; retryTopics: string[] }];
  /** The partitions this instance owns from now on: its share of the group's on joining it; none while the group rebalances, after a crash, and once stopped. */
  assigned: [{ group: string; partitions: TopicPartition[] }];
  /** Where the consumer stands on a partition it owns: reported when a fetch brings records of it and after each chunk's offsets are committed. */
  positioned: [PartitionPosition];
  /** The registry did not answer while decoding a record of `topic`: the record is not blamed, decoding it is tried again. */
  decodeFailed: [{ topic: string; error: Error; failures: number; retryInMs: number }];
  /** The broker did not take records rerouted to `topic`: sent again. */
  sendFailed: [{ topic: string; error: Error; failures: number; retryInMs: number }];
  /** A failed record went to the retry topic of its next round, or to the dead-letter topic. */
  rerouted: [{ delivery: Delivery; to: string; destination: 'retry' | 'dead-letter'; failure: Failure }];
  /** A record that could not be rerouted whole left a stub (its reference and the reason, no value) in the dead-letter topic. */
  stubbed: [{ delivery: Delivery; to: string; failure: Failure }];
}

/** The events as Nest's `Server.on` types its listeners. */
type EventTransportListeners = { [K in keyof EventTransportEvents]: (...args: EventTransportEvents[K]) => void };

/** Slack on a retry time read back, for the clocks of the instance that wrote it and the one that reads it. */
const CLOCK_SKEW_MS = 60_000;

/**
 * Delivers events from Kafka to a service's `@EventPattern` handlers, each event's effect exactly
 * once, as a NestJS custom transport: Kafka in, the {@link EventApplier} core in the middle, the
 * failure topics out.
 *
 * - The consumer group is the service's name; patterns are event types, mapped to their topics,
 *   and must be the events `SERVICES` declares the service reacts to.
 * - Records of a partition are applied in order, a chunk per transaction, and the offsets are
 *   committed only after it commits.
 * - A record that failed goes to the retry topic of its next round, `<service>.retry-<n>`, and
 *   finally to `<service>.dead-letter`; one that can never pass goes there at once. A retry-topic
 *   partition whose head record is not yet due is paused until it is, while every other partition
 *   goes on.
 */
export class EventTransport extends Server<EventTransportListeners> implements CustomTransportStrategy {
  private readonly codec: EventCodec;
  private readonly topics: FailureTopics;
  private readonly applier: EventApplier;
  private readonly reports = new EventEmitter<EventTransportEvents>();
  private consumer?: Consumer;
  private producer?: Producer;
  private signer?: RetrySigner;
  private closing = false;
  private readonly closed = new AbortController();
  private readonly whenClosed = new Promise<void>((resolve) => this.closed.signal.addEventListener('abort', () => resolve(), { once: true }));
  /** Until when the batches of the current fetch hold the next one (see linger). */
  private lingerUntil?: number;
  private joined = false;
  private notConsumingBecause = 'not started';
  private readonly resumeTimers = new Set<NodeJS.Timeout>();

  constructor(private readonly options: EventTransportOptions) {
    super();
    this.codec = options.codec;
    this.topics = failureTopics(options.service);
    this.applier = new EventApplier(options.dataSource, (pattern, event, context) => this.dispatch(pattern, event, context), options.settings.attempts);
    this.applier.on('committed', (transaction) => this.reports.emit('committed', transaction));
    this.applier.on('databaseUnavailable', (outage) => this.reports.emit('databaseUnavailable', outage));
  }

  /**
   * Returns at once and joins the group in the background, again and again until Kafka answers: a
   * broker that is down or a slow group join holds back neither the HTTP API nor the outbox relay.
   * Refuses to start when the handlers differ from what `SERVICES` declares the service reacts to.
   */
  async listen(callback: (error?: unknown) => void): Promise<void> {
    try {
      checkHandlersAgainstDeclaration(this.options.service, [...this.messageHandlers.keys()], this.options.catalogue);
    } catch (error) {
      return callback(error);
    }
    callback();
    void this.consumeUntilClosed();
  }

  /** Whether the consumer has joined its group and is fetching; what is missing otherwise. */
  get consumption(): { consuming: true } | { consuming: false; reason: string } {
    return this.joined ? { consuming: true } : { consuming: false, reason: this.notConsumingBecause };
  }

  /** Lets the chunk in hand commit, commits its offsets and leaves the group. */
  async close(): Promise<void> {
    this.closing = true;
    this.closed.abort();
    for (const timer of this.resumeTimers) clearTimeout(timer);
    await this.disconnect();
  }

  /** Listens to what the transport reports (see {@link EventTransportEvents}); the module's adapter turns it into logs and metrics. */
  on<K extends keyof EventTransportListeners = keyof EventTransportListeners, L extends EventTransportListeners[K] = EventTransportListeners[K]>(event: K, listener: L): this {
    (this.reports as EventEmitter).on(event, listener);
    return this;
  }

  unwrap<T>(): T {
    return this.consumer as T;
  }

  /** The event topics this service's handlers consume. */
  get eventTopics(): string[] {
    return this.topicsOf([...this.messageHandlers.keys()].filter((pattern) => !isRebuildPattern(pattern)));
  }

  /**
   * What a replay reads to rebuild this service's state: its own announcements when it has
   * `@RebuildFrom` handlers (its decisions were made once and must not be made again), otherwise
   * the events its handlers consume.
   */
  get replaySource(): { topics: string[]; rebuild: boolean } {
    const rebuildTypes = [...this.messageHandlers.keys()].filter(isRebuildPattern).map(rebuiltEventType);
    return rebuildTypes.length > 0 ? { topics: this.topicsOf(rebuildTypes), rebuild: true } : { topics: this.eventTopics, rebuild: false };
  }

  /** Applies records through the consumer core: what a replay calls for its shadow. */
  apply<R extends DeliveredRecord>(records: R[], target: ApplyTarget, control: ApplyControl): Promise<RecordFailure<R>[]> {
    return this.applier.apply(records, target, control);
  }

  private async dispatch(pattern: string, event: EnsembleEvent, context: EventContext): Promise<boolean> {
    // Patterns are plain event types: a map lookup, not Nest's getHandlerByPattern, which tries JSON.parse on each
    // (and throws), a cost paid for every record that showed plainly in a consumer's CPU profile.
    const handler = this.messageHandlers.get(pattern);
    if (!handler) return false;
    await lastValueFrom(this.transformToObservable(await handler(event, context)), { defaultValue: undefined });
    return true;
  }

  private topicsOf(eventTypes: string[]): string[] {
    return [...new Set(eventTypes.map((eventType) => this.options.catalogue.get(eventType).topic))];
  }

  private get groupId(): string {
    return this.options.settings.group ?? consumerGroup(this.options.service);
  }

  private get retryTopics(): string[] {
    return this.topics.retries;
  }

  /**
   * Consumes until closed: starts, and starts again after a failed start or a crash, with one
   * backoff that only joining the group starts over. Kafka or the database being away is waited
   * for, never a reason to stop the service.
   */
  private async consumeUntilClosed(): Promise<void> {
    await retry(
      async (_attempt, _bail, progressed) => {
        try {
          await this.consumeUntilCrash(progressed);
        } catch (error) {
          this.notConsumingBecause = (error as Error).message;
          await this.disconnect();
          throw error;
        }
      },
      {
        initialMs: 500,
        maxMs: 10_000,
        signal: this.closed.signal,
        onRetry: (error, { failures, delayMs }) => this.reports.emit('startFailed', { error: error as Error, failures, retryInMs: delayMs }),
      },
    ).catch(endedBy(this.closed.signal));
    // A close during a start may come before the consumer it started.
    await this.disconnect();
  }

  private async disconnect(): Promise<void> {
    this.joined = false;
    this.assigned({});
    await this.consumer?.disconnect().catch(() => undefined);
    await this.producer?.disconnect().catch(() => undefined);
  }

  /**
   * Starts a consumer and returns once the transport is closed; throws if it cannot start, or once
   * it crashed in a way kafkajs does not recover from by itself. Reports `joined` on each join.
   */
  private async consumeUntilCrash(joined: () => void): Promise<void> {
    this.notConsumingBecause = 'loading the retry signing key';
    this.signer ??= await RetrySigner.load((sql, parameters) => this.options.dataSource.query(sql, parameters)).catch((error: Error) => {
      throw new Error(`cannot load the retry signing key from the database: ${error.message}`);
    });
    this.notConsumingBecause = 'joining the consumer group';
    const producer = (this.producer = createOrderedProducer(this.options.kafka));
    const consumer = (this.consumer = this.options.kafka.consumer({
      groupId: this.groupId,
      // The broker answers a fetch as soon as a record arrives; the wait only bounds an idle poll, so a longer
      // one costs no latency and spares the broker the CPU of answering idle consumers' polls.
      maxWaitTimeInMs: 500,
      // A killed member's partitions move after the session timeout: kafkajs has no static membership, so keep it short.
      sessionTimeout: this.options.settings.sessionTimeoutMs,
      heartbeatInterval: Math.max(500, Math.floor(this.options.settings.sessionTimeoutMs / 5)),
    }));
    consumer.on(consumer.events.FETCH_START, () => {
      this.lingerUntil = undefined;
    });
    consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
      this.joined = true;
      this.assigned(payload.memberAssignment);
      joined();
    });
    // Until it joins again, the partitions may be another member's: a lag is told only by the partition's owner.
    consumer.on(consumer.events.REBALANCING, () => this.assigned({}));
    const crashed = new Promise<never>((_resolve, reject) => {
      consumer.on(consumer.events.CRASH, ({ payload }) => {
        this.joined = false;
        this.assigned({});
        this.notConsumingBecause = `the consumer crashed: ${payload.error.message}`;
        // kafkajs restarts itself after a retriable error; after any other, start again from scratch, after the backoff.
        if (!payload.restart) reject(new Error(this.notConsumingBecause));
      });
    });
    crashed.catch(() => undefined);
    try {
      await producer.connect();
      if (this.closing) return;
      await consumer.connect();
      if (this.closing) return;
      await consumer.subscribe({ topics: [...this.eventTopics, ...this.retryTopics], fromBeginning: true });
      await consumer.run({
        autoCommit: false,
        eachBatchAutoResolve: false,
        partitionsConsumedConcurrently: this.options.settings.partitionsConsumedConcurrently,
        eachBatch: (payload) => this.consumeBatch(payload),
      });
    } catch (error) {
      throw new Error(`cannot reach Kafka: ${(error as Error).message}`);
    }
    this.reports.emit('consuming', { group: this.groupId, eventTopics: this.eventTopics, retryTopics: this.retryTopics });
    await Promise.race([crashed, this.whenClosed]);
  }

  private async consumeBatch({ batch, resolveOffset, heartbeat, isRunning, isStale, pause, commitOffsetsIfNecessary }: EachBatchPayload): Promise<void> {
    const { topic, partition } = batch;
    const fromRetryTopic = this.retryTopics.includes(topic);
    const control: ApplyControl = { heartbeat, stopping: () => this.closing || !isRunning() };
    this.positioned(batch, batch.messages[0].offset, 0);
    for (let start = 0; start < batch.messages.length; start += this.options.settings.batchSize) {
      if (!isRunning() || isStale()) return;
      let chunk = batch.messages.slice(start, start + this.options.settings.batchSize);
      let received = chunk.map((message) => this.receive(topic, partition, message));
      // A retry topic holds one delay, so records fall due in order: apply those due, and wait for the next one paused.
      const notDue = fromRetryTopic ? received.findIndex((record) => !record.refused && this.dueAt(record) > Date.now()) : -1;
      const nextDue = notDue >= 0 ? this.dueAt(received[notDue]) : undefined;
      if (notDue >= 0) {
        chunk = chunk.slice(0, notDue);
        received = received.slice(0, notDue);
      }
      if (chunk.length > 0) {
        await Promise.all(received.filter((record) => !record.refused).map((record) => this.decodeInto(record, control)));
        const decoded = received.filter((record): record is Received & DeliveredRecord => record.event !== undefined);
        const failed: Array<RecordFailure<Received>> = received.flatMap((record) => (record.refused ? [{ record, failure: record.refused }] : []));
        failed.push(...(await this.applier.apply(decoded, { tracedAs: this.groupId }, control)));
        await this.reroute(failed.sort((a, b) => Number(BigInt(a.record.message.offset) - BigInt(b.record.message.offset))), control);
        const last = chunk[chunk.length - 1].offset;
        resolveOffset(last);
        const next = (BigInt(last) + 1n).toString();
        await commitOffsetsIfNecessary({ topics: [{ topic, partitions: [{ partition, offset: next }] }] });
        this.positioned(batch, next, start + chunk.length);
        await heartbeat();
      }
      if (nextDue !== undefined) {
        this.pauseUntil(pause, nextDue);
        return;
      }
    }
    // Caught up with the partition: wait for more before fetching again. Behind it: fetch at once.
    if (batch.offsetLag() === '0') await this.linger();
  }

  private assigned(assignment: IMemberAssignment): void {
    const partitions = Object.entries(assignment).flatMap(([topic, numbers]) => numbers.map((partition) => ({ topic, partition })));
    this.reports.emit('assigned', { group: this.groupId, partitions });
  }

  /** Reports that the next record to apply on the batch's partition is at `next`: `batch.messages[index]`, or one after the batch, dated by its last record. */
  private positioned(batch: Batch, next: string, index: number): void {
    const dated = batch.messages[Math.min(index, batch.messages.length - 1)];
    this.reports.emit('positioned', { topic: batch.topic, partition: batch.partition, next, end: batch.highWatermark, nextWrittenAt: Number(dated.timestamp) });
  }

  /**
   * Holds the next fetch until `lingerMs` after the first caught-up batch of this fetch: the
   * batches of one fetch, handled in turns, share one wait rather than adding theirs up.
   */
  private async linger(): Promise<void> {
    const { lingerMs } = this.options.settings;
    if (lingerMs === 0 || this.closing) return;
    this.lingerUntil ??= Date.now() + lingerMs;
    const remaining = this.lingerUntil - Date.now();
    if (remaining > 0) await waitFor(remaining, this.closed.signal).catch(endedBy(this.closed.signal));
  }

  private dueAt(record: Received): number {
    return Number(record.delivery.headers[FAILURE_HEADERS.retryAt]);
  }

  private pauseUntil(pause: () => () => void, due: number): void {
    const resume = pause();
    const timer = setTimeout(() => {
      this.resumeTimers.delete(timer);
      resume();
    }, Math.max(0, due - Date.now()));
    this.resumeTimers.add(timer);
  }

  /** Where a record originally came from; a retry-topic record whose failure headers do not hold, or that its service did not sign, is refused. */
  private receive(topic: string, partition: number, message: KafkaMessage): Received {
    const headers = headersAsStrings(message.headers);
    if (!this.retryTopics.includes(topic)) return { message, attempts: 0, delivery: { topic, partition, offset: message.offset, headers } };
    const state = readRetryHeaders(headers, {
      eventTopics: this.eventTopics,
      rounds: RETRY_ROUNDS,
      longestDelayMs: Math.max(...this.options.settings.retryDelaysMs) + CLOCK_SKEW_MS,
    });
    const problem =
      typeof state === 'string' ? state : this.signer!.verify({ topic, headers, key: message.key, value: message.value }) ? undefined : `not signed by ${this.options.service} for ${topic}`;
    if (typeof state === 'string' || problem) {
      return {
        message,
        attempts: 0,
        delivery: { topic, partition, offset: message.offset, headers },
        refused: { kind: 'permanent', reason: 'invalid-failure-headers', message: problem ?? String(state) },
      };
    }
    return { message, attempts: state.attempts, delivery: state.delivery };
  }

  /**
   * Decodes a record read from `topic` or refuses it for good; a registry that does not answer is
   * waited for, not blamed on the record. What the live consumer and a replay both decode with.
   */
  async decodeRecord(topic: string, value: Buffer | null, control: ApplyControl): Promise<{ event: EnsembleEvent } | { refused: Failure }> {
    try {
      const event = await retry(
        async (attempt, bail) => {
          if (attempt > 1) await keepMembership(control);
          try {
            return await this.codec.decode(topic, value);
          } catch (error) {
            if (classifyFailure(error).kind === 'permanent' || control.stopping()) bail(error);
            throw error;
          }
        },
        {
          initialMs: 200,
          maxMs: 5_000,
          onRetry: (error, { failures, delayMs }) => this.reports.emit('decodeFailed', { topic, error: error as Error, failures, retryInMs: delayMs }),
        },
      );
      return { event };
    } catch (error) {
      throwIfMembershipLost(error);
      const failure = classifyFailure(error);
      if (failure.kind === 'permanent') return { refused: failure };
      throw error;
    }
  }

  private async decodeInto(record: Received, control: ApplyControl): Promise<void> {
    const decoded = await this.decodeRecord(record.delivery.topic, record.message.value, control);
    if ('event' in decoded) record.event = decoded.event;
    else record.refused = decoded.refused;
  }

  /**
   * Each failed record to the next round's retry topic, or to the dead-letter topic when the rounds
   * are spent or trying again cannot help: one send per destination, in offset order, signed.
   */
  private async reroute(failed: Array<RecordFailure<Received>>, control: ApplyControl): Promise<void> {
    if (failed.length === 0) return;
    const { retryDelaysMs } = this.options.settings;
    const byTopic = new Map<string, Array<{ record: Received; failure: Failure; message: Message }>>();
    for (const { record, failure } of failed) {
      const retry = failure.kind !== 'permanent' && record.attempts < retryDelaysMs.length;
      const topic = retry ? this.retryTopics[record.attempts] : this.topics.deadLetter;
      const headers: Record<string, string> = { ...record.delivery.headers, ...this.failureHeaders(record, failure, retry ? record.attempts + 1 : record.attempts) };
      delete headers[FAILURE_HEADERS.retryAt];
      if (retry) headers[FAILURE_HEADERS.retryAt] = String(Date.now() + retryDelaysMs[record.attempts]);
      const message = this.signed(topic, { key: record.message.key, value: record.message.value, headers });
      byTopic.set(topic, [...(byTopic.get(topic) ?? []), { record, failure, message }]);
    }
    for (const [topic, entries] of byTopic) {
      try {
        await this.sendRecords(topic, entries.map((entry) => entry.message), control);
      } catch (error) {
        if (!isRefusedForGood(error)) throw error;
        // One of them cannot be written whole, even with room for the headers: send them one by one, and a stub for that one.
        for (const entry of entries) await this.sendOrStub(topic, entry, control);
      }
      const destination = topic === this.topics.deadLetter ? 'dead-letter' : 'retry';
      for (const { record, failure } of entries) this.reports.emit('rerouted', { delivery: record.delivery, to: topic, destination, failure });
    }
  }

  private async sendOrStub(topic: string, { record, failure, message }: { record: Received; failure: Failure; message: Message }, control: ApplyControl): Promise<void> {
    try {
      await this.sendRecords(topic, [message], control);
    } catch (error) {
      if (!isRefusedForGood(error)) throw error;
      const stub: Failure = { kind: 'permanent', reason: 'reroute-failed', message: `${failure.reason}: ${failure.message}; rerouting to ${topic} failed: ${(error as Error).message}` };
      const { deadLetter } = this.topics;
      await this.sendRecords(deadLetter, [this.signed(deadLetter, { key: record.message.key, value: null, headers: this.failureHeaders(record, stub, record.attempts) })], control);
      this.reports.emit('stubbed', { delivery: record.delivery, to: deadLetter, failure: stub });
    }
  }

  private signed(topic: string, message: { key: Buffer | null; value: Buffer | null; headers: Record<string, string> }): Message {
    const headers = { ...message.headers };
    delete headers[FAILURE_HEADERS.signature];
    headers[FAILURE_HEADERS.signature] = this.signer!.sign({ topic, headers, key: message.key, value: message.value });
    return { ...message, headers };
  }

  private failureHeaders(record: Received, failure: Failure, attempts: number): Record<string, string> {
    return {
      [FAILURE_HEADERS.originalTopic]: record.delivery.topic,
      [FAILURE_HEADERS.originalPartition]: String(record.delivery.partition),
      [FAILURE_HEADERS.originalOffset]: record.delivery.offset,
      [FAILURE_HEADERS.consumerGroup]: this.options.service,
      [FAILURE_HEADERS.reason]: failure.reason,
      [FAILURE_HEADERS.error]: failure.message.slice(0, 1_000),
      [FAILURE_HEADERS.attempts]: String(attempts),
      [FAILURE_HEADERS.failedAt]: new Date().toISOString(),
    };
  }

  /** Sends until the broker takes the records, or refuses them for good; a broker that is away is waited for. */
  private async sendRecords(topic: string, messages: Message[], control: ApplyControl): Promise<void> {
    await retry(
      async (attempt, bail) => {
        if (attempt > 1) await control.heartbeat();
        try {
          await this.producer!.send({ topic, acks: -1, messages });
        } catch (error) {
          if (isRefusedForGood(error) || control.stopping()) bail(error);
          // Anything else is the broker being away, waited for whatever kafkajs says of it (its own spent retries say "not retriable").
          throw transient(error);
        }
      },
      {
        initialMs: 200,
        maxMs: 5_000,
        onRetry: (error, { failures, delayMs }) => this.reports.emit('sendFailed', { topic, error: error as Error, failures, retryInMs: delayMs }),
      },
    );
  }
}
