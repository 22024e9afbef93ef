import { setTimeout as sleep } from 'node:timers/promises';
import { CustomTransportStrategy, Server } from '@nestjs/microservices';
import { Consumer, EachBatchPayload, IHeaders, KafkaMessage, Producer } from 'kafkajs';
import { lastValueFrom } from 'rxjs';
import { DataSource } from 'typeorm';
import { PlatformConfig, ServiceName } from '@ensemble/config';
import { quoteIdentifier } from '@ensemble/database';
import { EventCodec, UndecodableRecordError } from '@ensemble/event-codec';
import { EnsembleEvent, EventCatalogue } from '@ensemble/events';
import { recordProcessed } from '@ensemble/inbox';
import { createKafka, createOrderedProducer, headersAsStrings } from '@ensemble/kafka';
import { backoffDelay } from '@ensemble/retry';
import { ConsumerSettings } from './consumer-settings';
import { Delivery, EventContext, TransactionBuffer } from './event-context';
import { FAILURE_HEADERS, failureTopics } from './failure-topics';
import { NonRetriableError } from './non-retriable-error';
import { isRebuildPattern, rebuildPattern, rebuiltEventType } from './rebuild-from';

export interface EventTransportOptions {
  service: ServiceName;
  config: PlatformConfig;
  catalogue: EventCatalogue;
  dataSource: DataSource;
  settings: ConsumerSettings;
}

/** A decoded event and where it was read from. */
export interface DeliveredRecord {
  event: EnsembleEvent;
  delivery: Delivery;
}

/**
 * Where a transaction's effects go: by default the live tables; in a replay, the shadow schema the
 * replay builds, seen alone (search_path names only it), so that nothing outside it can be written.
 */
export interface ApplyTarget {
  schema?: string;
  /** Apply through the `@RebuildFrom` handlers, recording each announcement's cause as processed. */
  rebuild?: boolean;
  /** In a window replay, the window's start (see EventContext.windowStart). */
  windowStart?: Date;
}

/** A record of the batch in hand, decoded or not, with where it originally came from. */
interface Received {
  message: KafkaMessage;
  delivery: Delivery;
  /** Rounds through the retry topic so far (0 for a record from an event topic). */
  attempts: number;
  event?: EnsembleEvent;
  undecodable?: UndecodableRecordError;
}

/**
 * Delivers events from Kafka to a service's `@EventPattern` handlers, each event's effect exactly
 * once, as a NestJS custom transport.
 *
 * - The consumer group is the service's name; patterns are event types, mapped to their topics.
 * - Records of a partition are applied in order, a chunk per transaction: the inbox rows
 *   (processed_events) and the handlers' writes commit together, and the offsets are committed
 *   only after that. A redelivered record finds its inbox row and is skipped.
 * - A failing chunk is retried in place with backoff; if it still fails, its records are tried one
 *   by one, and each that fails goes to `<service>.retry` (tried again after a delay) and finally to
 *   `<service>.dead-letter`. A record that cannot be decoded goes to the dead-letter topic at once.
 */
export class EventTransport extends Server implements CustomTransportStrategy {
  private readonly codec: EventCodec;
  private readonly topics: { retry: string; deadLetter: string };
  private consumer?: Consumer;
  private producer?: Producer;
  private closing = false;

  constructor(private readonly options: EventTransportOptions) {
    super();
    this.codec = EventCodec.forRegistry(options.config.schemaRegistry.url, options.catalogue);
    this.topics = failureTopics(options.service);
  }

  async listen(callback: (error?: unknown) => void): Promise<void> {
    try {
      await this.start();
      callback();
    } catch (error) {
      callback(error);
    }
  }

  /** Lets the chunk in hand commit, commits its offsets and leaves the group. */
  async close(): Promise<void> {
    this.closing = true;
    await this.consumer?.disconnect();
    await this.producer?.disconnect();
  }

  on(): never {
    throw new Error('EventTransport reports through logs and metrics, not listeners');
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

  /** Decodes a record's value; throws UndecodableRecordError for bytes that no schema can read. */
  decode(value: Buffer | null): Promise<EnsembleEvent> {
    return this.codec.decode(value);
  }

  private topicsOf(eventTypes: string[]): string[] {
    return [...new Set(eventTypes.map((eventType) => this.options.catalogue.get(eventType).topic))];
  }

  private async start(): Promise<void> {
    const kafka = createKafka(this.options.config, `${this.options.service}-consumer`);
    this.producer = createOrderedProducer(kafka);
    await this.producer.connect();
    // The broker answers a fetch as soon as a record arrives; the wait only bounds an idle poll. At 500 ms
    // rather than 100, five idle consumers cost the broker 24 ms of CPU a second instead of 50.
    this.consumer = kafka.consumer({ groupId: this.options.service, maxWaitTimeInMs: 500 });
    await this.consumer.connect();
    await this.consumer.subscribe({ topics: [...this.eventTopics, this.topics.retry], fromBeginning: true });
    await this.consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: this.options.settings.partitionsConsumedConcurrently,
      eachBatch: (payload) => this.consumeBatch(payload),
    });
    this.logger.log(`consuming ${this.eventTopics.join(', ')} and ${this.topics.retry} as group ${this.options.service}`);
  }

  private async consumeBatch({ batch, resolveOffset, heartbeat, isRunning, isStale }: EachBatchPayload): Promise<void> {
    const { topic, partition } = batch;
    const { batchSize } = this.options.settings;
    for (let start = 0; start < batch.messages.length; start += batchSize) {
      if (!isRunning() || isStale()) return;
      const chunk = batch.messages.slice(start, start + batchSize);
      const received = await Promise.all(chunk.map((message) => this.receive(topic, partition, message)));
      if (topic === this.topics.retry) await this.waitUntilDue(received, heartbeat, isRunning);
      if (!isRunning()) return;

      for (const record of received.filter((record) => record.undecodable)) {
        await this.reroute(record, record.undecodable!, record.undecodable!.reason, this.topics.deadLetter);
      }
      await this.applyWithRetries(received.filter((record): record is Received & DeliveredRecord => record.event !== undefined), heartbeat);

      const last = chunk[chunk.length - 1].offset;
      resolveOffset(last);
      await this.consumer!.commitOffsets([{ topic, partition, offset: (BigInt(last) + 1n).toString() }]);
      await heartbeat();
    }
  }

  private async receive(topic: string, partition: number, message: KafkaMessage): Promise<Received> {
    const headers = headersAsStrings(message.headers);
    const fromRetryTopic = topic === this.topics.retry;
    const received: Received = {
      message,
      attempts: fromRetryTopic ? Number(headers[FAILURE_HEADERS.attempts] ?? 0) : 0,
      delivery: fromRetryTopic
        ? {
            topic: headers[FAILURE_HEADERS.originalTopic] ?? topic,
            partition: Number(headers[FAILURE_HEADERS.originalPartition] ?? partition),
            offset: headers[FAILURE_HEADERS.originalOffset] ?? message.offset,
            headers,
          }
        : { topic, partition, offset: message.offset, headers },
    };
    for (let attempt = 1; ; attempt++) {
      try {
        received.event = await this.codec.decode(message.value);
        return received;
      } catch (error) {
        if (error instanceof UndecodableRecordError) {
          received.undecodable = error;
          return received;
        }
        // The registry did not answer: wait for it rather than dead-letter a good record (unless shutting down).
        if (this.closing) throw error;
        this.logger.warn(`decoding ${topic}[${partition}]@${message.offset} failed, retrying: ${(error as Error).message}`);
        await sleep(backoffDelay(attempt, { initialMs: 200, maxMs: 5_000 }));
      }
    }
  }

  private async applyWithRetries(records: Array<Received & DeliveredRecord>, heartbeat: () => Promise<void>): Promise<void> {
    if (records.length === 0) return;
    let failure: Error | undefined;
    for (let attempt = 1; attempt <= this.options.settings.attempts; attempt++) {
      try {
        await this.applyEvents(records);
        return;
      } catch (error) {
        failure = error as Error;
        if (failure instanceof NonRetriableError) break;
        if (attempt < this.options.settings.attempts) await sleep(backoffDelay(attempt, { initialMs: 100, maxMs: 2_000 }));
        await heartbeat();
      }
    }
    if (records.length > 1) {
      // Isolate the failing records so that the others in the chunk are not held back by them.
      for (const record of records) await this.applyWithRetries([record], heartbeat);
      return;
    }
    const [record] = records;
    const exhausted = failure instanceof NonRetriableError || record.attempts >= this.options.settings.retryDelaysMs.length;
    await this.reroute(
      record,
      failure!,
      failure instanceof NonRetriableError ? 'non-retriable' : 'handler-failed',
      exhausted ? this.topics.deadLetter : this.topics.retry,
    );
  }

  /**
   * One transaction: record the events as processed, apply those not seen before in order, flush
   * the handlers' buffers. A rebuild records the cause of each announcement, the event the live
   * handler answered, so that the rebuilt inbox matches the live one.
   */
  applyEvents(records: DeliveredRecord[], target: ApplyTarget = {}): Promise<void> {
    const processedId = (event: EnsembleEvent) => (target.rebuild ? causeOf(event) : event.envelope.eventId);
    return this.options.dataSource.transaction(async (manager) => {
      if (target.schema) await manager.query(`SET LOCAL search_path TO ${quoteIdentifier(target.schema)}`);
      const fresh = await recordProcessed(
        manager,
        records.map(({ event, delivery }) => ({ eventId: processedId(event), ...delivery })),
      );
      const buffers = new Map<string, TransactionBuffer>();
      const bufferFor = <T extends TransactionBuffer>(key: string, create: () => T): T => {
        if (!buffers.has(key)) buffers.set(key, create());
        return buffers.get(key) as T;
      };
      for (const { event, delivery } of records) {
        if (!fresh.delete(processedId(event))) continue;
        const eventType = event.envelope.eventType;
        // Patterns are plain event types: a map lookup, not Nest's getHandlerByPattern, which tries JSON.parse on each
        // (and throws): a tenth of a consumer's CPU in a profile.
        const handler = this.messageHandlers.get(target.rebuild ? rebuildPattern(eventType) : eventType);
        if (!handler) continue;
        await lastValueFrom(this.transformToObservable(await handler(event, new EventContext([manager, delivery, bufferFor, target.windowStart]))), {
          defaultValue: undefined,
        });
      }
      for (const buffer of buffers.values()) await buffer.flush(manager);
    });
  }

  private async reroute(record: Received, error: Error, reason: string, topic: string): Promise<void> {
    const attempts = topic === this.topics.retry ? record.attempts + 1 : record.attempts;
    const headers: IHeaders = {
      ...record.delivery.headers,
      [FAILURE_HEADERS.originalTopic]: record.delivery.topic,
      [FAILURE_HEADERS.originalPartition]: String(record.delivery.partition),
      [FAILURE_HEADERS.originalOffset]: record.delivery.offset,
      [FAILURE_HEADERS.consumerGroup]: this.options.service,
      [FAILURE_HEADERS.reason]: reason,
      [FAILURE_HEADERS.error]: error.message.slice(0, 1_000),
      [FAILURE_HEADERS.attempts]: String(attempts),
      [FAILURE_HEADERS.failedAt]: new Date().toISOString(),
    };
    if (topic === this.topics.retry) {
      headers[FAILURE_HEADERS.retryAt] = String(Date.now() + this.options.settings.retryDelaysMs[attempts - 1]);
    }
    await this.producer!.send({ topic, acks: -1, messages: [{ key: record.message.key, value: record.message.value, headers }] });
    this.logger.warn(`${record.delivery.topic}[${record.delivery.partition}]@${record.delivery.offset} -> ${topic} (${reason}): ${error.message}`);
  }

  /** Retry-topic records wait for their retry-at; heartbeats keep the group membership meanwhile. */
  private async waitUntilDue(records: Received[], heartbeat: () => Promise<void>, isRunning: () => boolean): Promise<void> {
    const due = Math.max(...records.map((record) => Number(record.delivery.headers[FAILURE_HEADERS.retryAt] ?? 0)));
    while (isRunning() && Date.now() < due) {
      await sleep(Math.min(1_000, due - Date.now()));
      await heartbeat();
    }
  }
}


function causeOf(event: EnsembleEvent): string {
  if (!event.envelope.causationId) {
    throw new NonRetriableError(`${event.envelope.eventType} ${event.envelope.eventId} names no cause, so a rebuild cannot tell which event it answered`);
  }
  return event.envelope.causationId;
}
