import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { MessageEvent } from '@nestjs/common';
import type { EachMessagePayload, Kafka } from 'kafkajs';
import { Subscription } from 'rxjs';
import { loadPlatformConfig, ProcessName } from '@ensemble/config';
import { EventCodec } from '@ensemble/event-codec';
import { EmailSent, EnsembleEvent, EventCatalogue } from '@ensemble/events';
import { paymentCompletedEvent } from '@ensemble/testing';
import { ChoreographyFeed, ChoreographyFeedEvents, FeedState } from './choreography-feed';
import { PaymentRowView } from './payment-timeline';

const TOPICS: Record<string, string> = {
  PaymentCompleted: 'payments.payment-completed',
  InvoiceIssued: 'invoice.invoice-issued',
  ShipmentScheduled: 'shipping.shipment-scheduled',
  EmailSent: 'notifications.email-sent',
};

/** A kafkajs consumer as far as the feed uses it: it joins its group once it runs, and can be made to crash. */
class FakeConsumer {
  readonly events = { CRASH: 'consumer.crash', GROUP_JOIN: 'consumer.group_join' };
  private readonly emitter = new EventEmitter();
  eachMessage?: (payload: EachMessagePayload) => Promise<void>;
  on(event: string, listener: (...args: unknown[]) => void): () => void {
    this.emitter.on(event, listener);
    return () => this.emitter.off(event, listener);
  }
  async connect(): Promise<void> {}
  async subscribe(): Promise<void> {}
  async run({ eachMessage }: { eachMessage: (payload: EachMessagePayload) => Promise<void> }): Promise<void> {
    this.eachMessage = eachMessage;
    setImmediate(() => this.emitter.emit(this.events.GROUP_JOIN, {}));
  }
  seek(): void {}
  async disconnect(): Promise<void> {}
  crash(message: string): void {
    this.emitter.emit(this.events.CRASH, { payload: { error: new Error(message), restart: false } });
  }
}

/** A Kafka whose admin refuses to connect `refusals` times, then answers. */
function fakeKafka(refusals: number) {
  const consumers: FakeConsumer[] = [];
  let connects = 0;
  const kafka = {
    admin: () => ({
      connect: async () => {
        if (++connects <= refusals) throw new Error('connect ECONNREFUSED 127.0.0.1:9092');
      },
      fetchTopicOffsets: async () => [{ partition: 0, offset: '0', high: '0', low: '0' }],
      disconnect: async () => undefined,
    }),
    consumer: () => {
      const consumer = new FakeConsumer();
      consumers.push(consumer);
      return consumer;
    },
  };
  return { kafka: kafka as unknown as Kafka, consumers };
}

const catalogue = { get: (eventType: string) => ({ topic: TOPICS[eventType] }) } as unknown as EventCatalogue;
const undecodable = { decode: async () => Promise.reject(new Error('bad magic byte 7')) } as unknown as EventCodec;
const serviceUrls = { crm: 'http://127.0.0.1:1' } as Record<ProcessName, string>;

describe('ChoreographyFeed', () => {
  let feed: ChoreographyFeed;
  let states: FeedState[];
  let rows: PaymentRowView[];
  let subscription: Subscription;
  const reported: Array<{ event: keyof ChoreographyFeedEvents; payload: unknown }> = [];

  beforeEach(() => {
    // Backoffs of zero: the feed connects again at once.
    jest.spyOn(Math, 'random').mockReturnValue(0);
    reported.length = 0;
  });

  afterEach(async () => {
    subscription.unsubscribe();
    await feed.onModuleDestroy();
    jest.restoreAllMocks();
  });

  function watch(kafka: Kafka, codec = undecodable): void {
    feed = new ChoreographyFeed(kafka, codec, catalogue, serviceUrls, loadPlatformConfig({ MAIL_WEB_URL: 'http://mail.example:1080' }));
    for (const event of ['following', 'connectFailed', 'recordSkipped', 'commitsUnread', 'crmLookupFailed'] as const) {
      feed.on(event, (payload: unknown) => reported.push({ event, payload }));
    }
    states = [];
    rows = [];
    subscription = feed.updates().subscribe(({ type, data }: MessageEvent) => {
      if (type === 'feed') states.push(data as FeedState);
      if (type === 'payments') rows.push(...(data as PaymentRowView[]));
    });
  }

  const until = async (condition: () => boolean) => {
    while (!condition()) await new Promise((resolve) => setImmediate(resolve));
  };

  it('connects again while Kafka refuses, reporting each failure and showing it on the page, then goes live', async () => {
    const { kafka } = fakeKafka(2);
    watch(kafka);
    await until(() => states.at(-1)?.state === 'live');

    expect(reported.map(({ event }) => event)).toEqual(['connectFailed', 'connectFailed', 'following']);
    expect(reported[0].payload).toMatchObject({ failures: 1, retryInMs: 0, error: { message: 'connect ECONNREFUSED 127.0.0.1:9092' } });
    expect(reported[1].payload).toMatchObject({ failures: 2 });
    expect(reported[2].payload).toEqual({ topics: Object.values(TOPICS) });
    expect(states.map(({ state, error }) => (error ? `${state}: ${error}` : state))).toEqual([
      'connecting',
      'connecting: Kafka: connect ECONNREFUSED 127.0.0.1:9092',
      'connecting',
      'connecting: Kafka: connect ECONNREFUSED 127.0.0.1:9092',
      'connecting',
      'live',
    ]);
  });

  it('connects again with a new consumer after its consumer stopped for good, counting failures from when it was last live', async () => {
    const { kafka, consumers } = fakeKafka(0);
    watch(kafka);
    await until(() => states.at(-1)?.state === 'live');

    consumers[0].crash('the coordinator is gone');
    await until(() => consumers.length === 2 && states.at(-1)?.state === 'live');
    consumers[1].crash('the coordinator is gone again');
    await until(() => consumers.length === 3 && states.at(-1)?.state === 'live');

    expect(reported.map(({ event }) => event)).toEqual(['following', 'connectFailed', 'following', 'connectFailed', 'following']);
    expect(reported[1].payload).toMatchObject({ failures: 1, error: { message: "the feed's consumer stopped: the coordinator is gone" } });
    expect(reported[3].payload).toMatchObject({ failures: 1, error: { message: "the feed's consumer stopped: the coordinator is gone again" } });
    expect(states.map(({ state }) => state).slice(-3)).toEqual(['connecting', 'connecting', 'live']);
  });

  it('reports a record it cannot decode, with where it is', async () => {
    const { kafka, consumers } = fakeKafka(0);
    watch(kafka);
    await until(() => states.at(-1)?.state === 'live');

    await consumers[0].eachMessage!({ topic: TOPICS.PaymentCompleted, partition: 3, message: { offset: '17', value: Buffer.from([7]) } } as unknown as EachMessagePayload);

    expect(reported.at(-1)).toEqual({ event: 'recordSkipped', payload: { topic: TOPICS.PaymentCompleted, partition: 3, offset: '17', error: new Error('bad magic byte 7') } });
  });

  it("reads the notifications service's EmailSent too, and shows each email under its payment with a link to the mail server's web UI", async () => {
    const payment = paymentCompletedEvent(1);
    const email: EmailSent = {
      envelope: { ...payment.envelope, eventId: randomUUID(), eventType: 'EmailSent', producer: 'notifications', causationId: randomUUID() },
      emailId: randomUUID(),
      messageId: '<invoice.1@notifications.ensemble.local>',
      kind: 'invoice',
      paymentId: payment.paymentId,
      recipient: 'ada@example.com',
      subject: 'Your invoice 2026-000042',
      queuedAt: Date.now(),
      sentAt: Date.now(),
      attempts: 1,
    };
    const byOffset: Record<string, EnsembleEvent> = { '1': payment, '2': email };
    const codec = { decode: async (_topic: string, value: Buffer) => byOffset[value.toString()] } as unknown as EventCodec;
    const { kafka, consumers } = fakeKafka(0);
    watch(kafka, codec);
    await until(() => states.at(-1)?.state === 'live');

    expect(states.at(-1)!.topics).toEqual(Object.values(TOPICS));
    await consumers[0].eachMessage!({ topic: TOPICS.PaymentCompleted, partition: 0, message: { offset: '1', value: Buffer.from('1') } } as unknown as EachMessagePayload);
    await consumers[0].eachMessage!({ topic: TOPICS.EmailSent, partition: 0, message: { offset: '2', value: Buffer.from('2') } } as unknown as EachMessagePayload);
    await until(() => rows.some((row) => row.reactions.notifications));

    const row = rows.find((candidate) => candidate.reactions.notifications)!;
    expect(row.paymentId).toBe(payment.paymentId);
    expect(row.reactions.notifications!.emails).toEqual([expect.objectContaining({ emailId: email.emailId, kind: 'invoice', subject: 'Your invoice 2026-000042', mailUrl: 'http://mail.example:1080' })]);
  });
});
