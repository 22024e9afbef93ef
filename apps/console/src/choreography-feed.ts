import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { Inject, Injectable, MessageEvent, OnModuleDestroy } from '@nestjs/common';
import type { Admin, Consumer, EachMessagePayload, Kafka, KafkaMessage } from 'kafkajs';
import { concat, defer, Observable, of, Subject } from 'rxjs';
import { PLATFORM_CONFIG, PlatformConfig, ProcessName, SERVICE_URLS, zipkinTraceUrl } from '@ensemble/config';
import { EventCodec } from '@ensemble/event-codec';
import { EmailSent, EnsembleEvent, EventCatalogue, InvoiceIssued, PaymentCompleted, ShipmentScheduled } from '@ensemble/events';
import { committedOffsets, headersAsStrings, KAFKA_CLIENT } from '@ensemble/kafka';
import { endedBy, retry, transient } from '@ensemble/retry';
import { traceIdOf } from '@ensemble/tracing';
import { PaymentSummary, PaymentTimeline, ReactingOnce, Reaction } from './payment-timeline';

/** Payments kept for the page, and sent to one that connects. */
const RETAINED_PAYMENTS = 500;
/** Changes go out together at this interval, so that a busy platform sends a few messages a second, not one per reaction. */
const FLUSH_INTERVAL_MS = 100;
/** How often the consumer groups' commits are read: the resolution of CRM's and dashboards' reaction times. */
const COMMIT_POLL_INTERVAL_MS = 100;
const CRM_ANSWER_TIMEOUT_MS = 1_000;
/** Services that announce no event of their own: their reaction shows as their group committing past the payment's record. */
const REACTING_BY_COMMIT = ['crm', 'dashboards'] as const satisfies ReactingOnce[];

export type FeedState = { state: 'idle' | 'connecting' | 'live'; since: number; topics: string[]; error?: string };

/** What the feed reports, for logs and metrics; the feed itself never logs. */
export interface ChoreographyFeedEvents {
  /** The feed follows `topics` from their ends, and notices reactions. */
  following: [{ topics: string[] }];
  /** Connecting failed, or the feed's consumer stopped for good: the feed connects again after `retryInMs`; `failures` in a row since it was last live. */
  connectFailed: [{ error: Error; failures: number; retryInMs: number }];
  /** A record that cannot be decoded is left off the page. */
  recordSkipped: [{ eventId?: string; topic: string; partition: number; offset: string; error: Error }];
  /** The consumer groups' commits could not be read: CRM's and dashboards' reactions are noticed at a later read. */
  commitsUnread: [{ error: Error }];
  /** CRM did not answer for a customer: its reaction shows without the lifetime value. */
  crmLookupFailed: [{ customerId: string; crmUrl: string; error: Error }];
}

/**
 * What the live view knows of the choreography: reads the event topics from their ends, as of the
 * feed's start, in a throwaway consumer group of its own that commits nothing; notices CRM's and
 * dashboards' reactions as their consumer groups commit past a payment's record, and asks CRM for
 * the customer's lifetime value; puts each email the notifications service sent under its payment. Starts when the first viewer connects, so that a console nobody
 * watches spends nothing on it; a slow or absent Kafka only delays the feed.
 */
@Injectable()
export class ChoreographyFeed extends EventEmitter<ChoreographyFeedEvents> implements OnModuleDestroy {
  private readonly topics: { payments: string; invoices: string; shipments: string; emails: string };
  private readonly timeline = new PaymentTimeline(RETAINED_PAYMENTS);
  private readonly messages = new Subject<MessageEvent>();
  private readonly askingCrm = new Set<string>();
  private state: FeedState;
  private running?: Promise<void>;
  private readonly stopped = new AbortController();
  private readonly whenStopped = new Promise<void>((resolve) => this.stopped.signal.addEventListener('abort', () => resolve(), { once: true }));
  private noticing = false;
  private consumer?: Consumer;
  private admin?: Admin;
  private timers: NodeJS.Timeout[] = [];

  constructor(
    @Inject(KAFKA_CLIENT) private readonly kafka: Kafka,
    private readonly codec: EventCodec,
    catalogue: EventCatalogue,
    @Inject(SERVICE_URLS) private readonly serviceUrls: Record<ProcessName, string>,
    @Inject(PLATFORM_CONFIG) private readonly config: PlatformConfig,
  ) {
    super();
    this.topics = {
      payments: catalogue.get('PaymentCompleted').topic,
      invoices: catalogue.get('InvoiceIssued').topic,
      shipments: catalogue.get('ShipmentScheduled').topic,
      emails: catalogue.get('EmailSent').topic,
    };
    this.state = { state: 'idle', since: Date.now(), topics: Object.values(this.topics) };
  }

  /** The feed's state and the recent payments, then every change; starts the feed on first use. */
  updates(): Observable<MessageEvent> {
    return defer(() => {
      this.start();
      return concat(of({ type: 'feed', data: this.state }, { type: 'payments', data: this.timeline.recent() }), this.messages);
    });
  }

  /** A POST that the live view forwarded: payments it posted count their times from the POST. */
  posted(payment: PaymentSummary, post: { sentAt: number; status: number; tookMs: number }): void {
    this.timeline.posted(payment, post);
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped.abort();
    this.timers.forEach(clearInterval);
    // Open event streams end here, so that closing the HTTP server does not wait for viewers to leave.
    this.messages.complete();
    // Disconnecting first ends a start that waits on a slow Kafka; what it connected after that goes with the second.
    await this.disconnect();
    await this.running?.catch(() => undefined);
    await this.disconnect();
  }

  private start(): void {
    if (this.running || this.stopped.signal.aborted) return;
    this.running = this.followUntilStopped();
    this.timers = [
      setInterval(() => this.flush(), FLUSH_INTERVAL_MS),
      setInterval(() => void this.noticeCommits(), COMMIT_POLL_INTERVAL_MS),
    ];
  }

  /**
   * Follows the topics until stopped: connects, and connects again after a failed connection or a
   * crash kafkajs does not recover from, with one backoff that only going live starts over. A Kafka
   * that is away is waited for, its state shown on the page meanwhile.
   */
  private async followUntilStopped(): Promise<void> {
    await retry(
      async (_attempt, bail, wentLive) => {
        try {
          const { crashed } = await this.connect();
          if (this.stopped.signal.aborted) return;
          this.setState({ state: 'live' });
          this.emit('following', { topics: this.state.topics });
          wentLive();
          await Promise.race([crashed, this.whenStopped]);
        } catch (error) {
          await this.disconnect();
          if (this.stopped.signal.aborted) bail(error);
          this.setState({ state: 'connecting', error: `Kafka: ${(error as Error).message}` });
          // Whatever failed, the feed connects again, whatever kafkajs says of its spent retries.
          throw transient(error);
        }
      },
      {
        initialMs: 1_000,
        maxMs: 15_000,
        signal: this.stopped.signal,
        onRetry: (error, { failures, delayMs }) => this.emit('connectFailed', { error: (error as Error).cause as Error, failures, retryInMs: delayMs }),
      },
    ).catch(endedBy(this.stopped.signal));
  }

  /** Connects and resolves once the feed's group is joined, with a promise that rejects if its consumer stops for good. */
  private async connect(): Promise<{ crashed: Promise<never> }> {
    this.setState({ state: 'connecting' });
    this.admin = this.kafka.admin();
    await this.admin.connect();
    const topics = Object.values(this.topics);
    // The ends as of now, sought once the group is assigned: what is published while it joins is not missed.
    const ends = await Promise.all(topics.map(async (topic) => ({ topic, partitions: await this.admin!.fetchTopicOffsets(topic) })));
    const consumer = (this.consumer = this.kafka.consumer({ groupId: `console-feed-${randomUUID()}`, maxWaitTimeInMs: 100 }));
    const crashed = new Promise<never>((_resolve, reject) => {
      // kafkajs restarts the consumer itself after a retriable error; after any other, the feed connects again.
      consumer.on(consumer.events.CRASH, ({ payload }) => {
        if (!payload.restart) reject(new Error(`the feed's consumer stopped: ${payload.error.message}`));
      });
    });
    crashed.catch(() => undefined);
    // Live once the group is joined, so that the first reactions are timed when they happen, not when the group formed.
    const joined = new Promise<void>((resolve) => {
      const stopListening = consumer.on(consumer.events.GROUP_JOIN, () => {
        stopListening();
        resolve();
      });
      this.stopped.signal.addEventListener('abort', () => resolve(), { once: true });
    });
    await consumer.connect();
    await consumer.subscribe({ topics, fromBeginning: false });
    await consumer.run({ autoCommit: false, eachMessage: (message) => this.observe(message) });
    for (const { topic, partitions } of ends) {
      for (const { partition, high } of partitions) consumer.seek({ topic, partition, offset: high });
    }
    await Promise.race([joined, crashed]);
    return { crashed };
  }

  private async disconnect(): Promise<void> {
    const [consumer, admin] = [this.consumer, this.admin];
    this.consumer = this.admin = undefined;
    await Promise.allSettled([consumer?.disconnect(), admin?.disconnect()]);
  }

  private async observe({ topic, partition, message }: EachMessagePayload): Promise<void> {
    const at = Date.now();
    let event: EnsembleEvent;
    try {
      event = await this.codec.decode(topic, message.value);
    } catch (error) {
      return void this.emit('recordSkipped', { eventId: headersAsStrings(message.headers)['event-id'], topic, partition, offset: message.offset, error: error as Error });
    }
    const record = { topic, partition, offset: message.offset };
    if (topic === this.topics.payments) return this.timeline.completed(event as PaymentCompleted, record, at, this.traceUrlOf(message));
    // MailDev's web UI opens one email only by an id of its own, which no event carries: the link opens its inbox.
    if (topic === this.topics.emails) return this.timeline.emailed(event as EmailSent, record, at, this.config.mail.webUrl);
    this.timeline.followedOn(event.envelope, record, at, announcedReaction(event));
  }

  /** Where Zipkin shows the trace the record travelled in. */
  private traceUrlOf(message: KafkaMessage): string | undefined {
    const traceId = traceIdOf(message.headers?.traceparent?.toString());
    return traceId && zipkinTraceUrl(this.config.tracing, traceId);
  }

  private async noticeCommits(): Promise<void> {
    const admin = this.admin;
    if (!admin || this.state.state !== 'live' || this.noticing) return;
    this.noticing = true;
    try {
      await Promise.all(
        REACTING_BY_COMMIT.map(async (service) => {
          const awaiting = this.timeline.awaiting(service).filter(({ payment }) => service !== 'crm' || !this.askingCrm.has(payment.paymentId));
          if (awaiting.length === 0) return;
          const committed = await committedOffsets(admin, service, [this.topics.payments]);
          const at = Date.now();
          for (const { payment, record } of awaiting) {
            const position = committed.find((entry) => entry.partition === record.partition)?.committed;
            if (position === undefined || position <= Number(record.offset)) continue;
            if (service === 'crm') void this.askCrmForLifetimeValue(payment, at);
            else this.timeline.reacted(payment.paymentId, service, {}, at);
          }
        }),
      );
    } catch (error) {
      this.emit('commitsUnread', { error: error as Error });
    } finally {
      this.noticing = false;
    }
  }

  /** CRM's reaction is shown with the lifetime value it now holds; it is timed when its commit was noticed, not when it answered. */
  private async askCrmForLifetimeValue(payment: PaymentSummary, at: number): Promise<void> {
    this.askingCrm.add(payment.paymentId);
    let lifetimeValueMinor: number | undefined;
    try {
      const response = await fetch(`${this.serviceUrls.crm}/customers/${encodeURIComponent(payment.customerId)}`, { signal: AbortSignal.timeout(CRM_ANSWER_TIMEOUT_MS) });
      if (!response.ok) throw new Error(`it answered ${response.status}`);
      lifetimeValueMinor = ((await response.json()) as { lifetimeValueMinor: Record<string, number> }).lifetimeValueMinor[payment.currency];
    } catch (error) {
      this.emit('crmLookupFailed', { customerId: payment.customerId, crmUrl: this.serviceUrls.crm, error: error as Error });
    } finally {
      this.askingCrm.delete(payment.paymentId);
    }
    this.timeline.reacted(payment.paymentId, 'crm', { lifetimeValueMinor }, at);
  }

  private flush(): void {
    const rows = this.timeline.takeChanges();
    if (rows.length > 0) this.messages.next({ type: 'payments', data: rows });
  }

  private setState(state: Pick<FeedState, 'state' | 'error'>): void {
    this.state = { ...this.state, error: undefined, ...state, since: Date.now() };
    this.messages.next({ type: 'feed', data: this.state });
  }
}

/** Invoice and shipping announce their reaction to a payment as an event. */
function announcedReaction(event: EnsembleEvent): Reaction | undefined {
  switch (event.envelope.eventType) {
    case 'InvoiceIssued':
      return { service: 'invoice', facts: { invoiceNumber: (event as InvoiceIssued).invoiceNumber } };
    case 'ShipmentScheduled': {
      const { shipmentId, scheduledFor } = event as ShipmentScheduled;
      return { service: 'shipping', facts: { shipmentId, scheduledFor } };
    }
    default:
      return undefined;
  }
}
