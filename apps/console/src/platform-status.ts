import { EventEmitter } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { Inject, Injectable, MessageEvent, OnModuleDestroy } from '@nestjs/common';
import type { Admin, Kafka } from 'kafkajs';
import { concat, defer, Observable, of, Subject } from 'rxjs';
import { CONSUMING_SERVICES, ProcessName, PRODUCING_SERVICES, SERVICE_URLS, ServiceName } from '@ensemble/config';
import { failureTopics } from '@ensemble/event-consumer';
import { EventCatalogue } from '@ensemble/events';
import { consumerGroupLag, KAFKA_CLIENT } from '@ensemble/kafka';

const SAMPLE_INTERVAL_MS = 1_000;
/** Samples kept for the throughput chart of a page that connects: two minutes. */
const HISTORY = 120;
const SCRAPE_TIMEOUT_MS = 800;

export interface ConsumerGroupStatus {
  service: ServiceName;
  /** The group's state in Kafka: Stable while its members consume, Empty when none is running. */
  state: string;
  members: number;
  lag: number;
  partitions: Array<{ topic: string; partition: number; lag: number }>;
  /** Records committed per second since the previous sample, over every topic of the group. */
  eventsPerSecond: number;
  /** Records on `<service>.dead-letter`. */
  deadLetters: number;
}

export interface PlatformSample {
  at: number;
  /** PaymentCompleted records appended per second since the previous sample. */
  paymentsPerSecond: number;
  groups: ConsumerGroupStatus[];
  /** Rows not yet published, and of those the parked ones (which cannot be published); null when the service does not answer. */
  outboxBacklog: Array<{ service: ServiceName; events: number | null; parked: number | null }>;
  /** Why the sample is empty: Kafka did not answer. */
  error?: string;
}

/** What the sampler reports, for logs and metrics; the sampler itself never logs. */
export interface PlatformStatusEvents {
  /** Kafka did not answer a sample: the page shows why, and the next sample connects again. */
  sampleFailed: [{ error: Error }];
}

/** What a sample counts, for the rates of the next one. */
interface Counts {
  at: number;
  committed: Map<ServiceName, number>;
  payments: number;
}

/**
 * The platform's vital signs, sampled every second while someone watches: each consumer group's lag
 * per partition, throughput and dead letters, and each producing service's outbox backlog.
 */
@Injectable()
export class PlatformStatus extends EventEmitter<PlatformStatusEvents> implements OnModuleDestroy {
  private readonly paymentsTopic: string;
  private readonly messages = new Subject<MessageEvent>();
  private readonly stopped = new AbortController();
  private readonly history: PlatformSample[] = [];
  private sampling?: Promise<void>;
  private admin?: Admin;
  private previous?: Counts;

  constructor(
    @Inject(KAFKA_CLIENT) private readonly kafka: Kafka,
    catalogue: EventCatalogue,
    @Inject(SERVICE_URLS) private readonly serviceUrls: Record<ProcessName, string>,
  ) {
    super();
    this.paymentsTopic = catalogue.get('PaymentCompleted').topic;
  }

  /** The samples of the last two minutes, then each new one; starts sampling on first use. */
  updates(): Observable<MessageEvent> {
    return defer(() => {
      this.sampling ??= this.sampleEverySecond();
      return concat(of({ type: 'platform-history', data: this.history }), this.messages);
    });
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped.abort();
    this.messages.complete();
    // Disconnecting first ends a sample that waits on a slow Kafka.
    await this.admin?.disconnect();
    await this.sampling;
  }

  /** A scheduler rather than a retry: a failed sample is shown as one, and the next, a second later, connects again. */
  private async sampleEverySecond(): Promise<void> {
    while (!this.stopped.signal.aborted) {
      const started = Date.now();
      const sample = await this.sample().catch(async (error: unknown) => {
        if (this.stopped.signal.aborted) return undefined;
        this.emit('sampleFailed', { error: error as Error });
        await this.admin?.disconnect().catch(() => undefined);
        this.admin = this.previous = undefined;
        return { at: Date.now(), paymentsPerSecond: 0, groups: [], outboxBacklog: [], error: `Kafka: ${(error as Error).message}` };
      });
      if (!sample) return;
      this.history.push(sample);
      if (this.history.length > HISTORY) this.history.shift();
      this.messages.next({ type: 'platform', data: sample });
      await sleep(Math.max(0, SAMPLE_INTERVAL_MS - (Date.now() - started)), undefined, { signal: this.stopped.signal }).catch(() => undefined);
    }
  }

  private async sample(): Promise<PlatformSample> {
    const admin = await this.connectedAdmin();
    const endsByTopic = new Map<string, ReturnType<Admin['fetchTopicOffsets']>>();
    const ends = (topic: string) => {
      if (!endsByTopic.has(topic)) endsByTopic.set(topic, admin.fetchTopicOffsets(topic));
      return endsByTopic.get(topic)!;
    };
    const [{ groups: described }, outboxBacklog] = await Promise.all([
      admin.describeGroups(CONSUMING_SERVICES),
      Promise.all(PRODUCING_SERVICES.map(async (service) => ({ service, ...(await scrapeOutboxBacklog(this.serviceUrls[service])) }))),
    ]);
    const counts: Counts = { at: Date.now(), committed: new Map(), payments: sum(await ends(this.paymentsTopic), ({ high }) => Number(high)) };
    const perSecond = (now: number, before: number | undefined) =>
      this.previous && before !== undefined ? Math.max(0, Math.round(((now - before) * 1_000) / (counts.at - this.previous.at))) : 0;
    const groups = await Promise.all(
      CONSUMING_SERVICES.map(async (service): Promise<ConsumerGroupStatus> => {
        const partitions = await consumerGroupLag(admin, service, { topicEnds: ends });
        const group = described.find((candidate) => candidate.groupId === service);
        counts.committed.set(service, sum(partitions, ({ committed }) => committed));
        return {
          service,
          state: group?.state ?? 'Unknown',
          members: group?.members.length ?? 0,
          lag: sum(partitions, ({ lag }) => lag),
          partitions: partitions.map(({ topic, partition, lag }) => ({ topic, partition, lag })),
          eventsPerSecond: perSecond(counts.committed.get(service)!, this.previous?.committed.get(service)),
          deadLetters: sum(await ends(failureTopics(service).deadLetter), ({ high, low }) => Number(high) - Number(low)),
        };
      }),
    );
    const paymentsPerSecond = perSecond(counts.payments, this.previous?.payments);
    this.previous = counts;
    return { at: counts.at, paymentsPerSecond, groups, outboxBacklog };
  }

  private async connectedAdmin(): Promise<Admin> {
    if (!this.admin) {
      const admin = this.kafka.admin();
      await admin.connect();
      this.admin = admin;
    }
    return this.admin;
  }
}

/** A service's outbox backlog and parked rows, from the gauges on its GET /metrics; null when it does not answer. */
export async function scrapeOutboxBacklog(serviceUrl: string): Promise<{ events: number | null; parked: number | null }> {
  try {
    const response = await fetch(`${serviceUrl}/metrics`, { signal: AbortSignal.timeout(SCRAPE_TIMEOUT_MS) });
    if (!response.ok) return { events: null, parked: null };
    const metrics = await response.text();
    return { events: gaugeIn(metrics, 'ensemble_outbox_backlog_events'), parked: gaugeIn(metrics, 'ensemble_outbox_parked_events') };
  } catch {
    return { events: null, parked: null };
  }
}

/** The value of gauge `name` in Prometheus text, or null when it is not there. */
export function gaugeIn(metrics: string, name: string): number | null {
  const match = new RegExp(`^${name}(?:\\{[^}]*\\})?\\s+(\\S+)$`, 'm').exec(metrics);
  return match ? Number(match[1]) : null;
}

function sum<T>(items: T[], value: (item: T) => number): number {
  return items.reduce((total, item) => total + value(item), 0);
}
