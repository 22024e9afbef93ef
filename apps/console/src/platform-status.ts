import { EventEmitter } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { Inject, Injectable, MessageEvent, OnModuleDestroy } from '@nestjs/common';
import type { Admin, Kafka } from 'kafkajs';
import { concat, defer, Observable, of, Subject } from 'rxjs';
import { ProcessName, SERVICE_URLS, ServiceName, workQueueOf } from '@ensemble/config';
import { Contract } from '@ensemble/contract';
import { failureTopics } from '@ensemble/event-consumer';
import { Choreography } from '@ensemble/events';
import { consumerGroupLag, KAFKA_CLIENT } from '@ensemble/kafka';
import { MetricSample } from '@ensemble/metrics';
import { readOutboxBacklog, readWorkQueue, scrapeMetrics } from './service-metrics';

const SAMPLE_INTERVAL_MS = 1_000;
/** Samples kept for the throughput chart of a page that connects: two minutes. */
const HISTORY = 120;

export interface ConsumerGroupStatus {
  service: ServiceName;
  /** The group's state in Kafka: Stable while its members consume, Empty when none is running. */
  state: string;
  members: number;
  lag: number;
  partitions: Array<{ topic: string; partition: number; lag: number }>;
  /** Records committed per second since the previous sample, over every topic of the group. */
  eventsPerSecond: number;
  /** The same per topic: each event topic the service reacts to, and each retry topic it has committed on. */
  topics: Array<{ topic: string; lag: number; eventsPerSecond: number }>;
  /** Records on `<service>.dead-letter`. */
  deadLetters: number;
}

/** The work queue through which a service hands itself jobs (`workQueue` in SERVICES), as its worker's metrics tell it; null figures when the service does not answer. */
export interface WorkQueueStatus {
  service: ServiceName;
  queue: string;
  /** Jobs waiting for a worker, waiting out a retry delay, and dead-lettered; null also when the worker could not measure its queue. */
  ready: number | null;
  delayed: number | null;
  deadLetters: number | null;
  /** Jobs done per second since the previous sample: emails sent, for notifications. */
  donePerSecond: number | null;
  /** Whether its worker waits out an outage instead of taking jobs. */
  paused: boolean | null;
}

export interface PlatformSample {
  at: number;
  /** Records appended per second since the previous sample, on each event topic. */
  published: Array<{ topic: string; eventsPerSecond: number }>;
  groups: ConsumerGroupStatus[];
  /** Rows not yet published, and of those the parked ones (which cannot be published); null when the service does not answer. */
  outboxBacklog: Array<{ service: ServiceName; events: number | null; parked: number | null }>;
  workQueues: WorkQueueStatus[];
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
  /** Records committed, by group and topic (`<group> <topic>`). */
  committed: Map<string, number>;
  /** Records appended, by event topic. */
  published: Map<string, number>;
  /** Jobs done, by work queue. */
  jobsDone: Map<string, number>;
}

/**
 * The platform's vital signs, sampled every second while someone watches: the records appended to
 * each event topic, each consumer group's lag per partition, throughput per topic and dead letters,
 * each producing service's outbox backlog, and each work queue's depth, jobs done per second and
 * whether its worker is paused.
 */
@Injectable()
export class PlatformStatus extends EventEmitter<PlatformStatusEvents> implements OnModuleDestroy {
  private readonly choreography: Choreography;
  private readonly messages = new Subject<MessageEvent>();
  private readonly stopped = new AbortController();
  private readonly history: PlatformSample[] = [];
  private sampling?: Promise<void>;
  private admin?: Admin;
  private previous?: Counts;

  constructor(
    @Inject(KAFKA_CLIENT) private readonly kafka: Kafka,
    contract: Contract,
    @Inject(SERVICE_URLS) private readonly serviceUrls: Record<ProcessName, string>,
  ) {
    super();
    this.choreography = contract.choreography;
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
        return { at: Date.now(), published: [], groups: [], outboxBacklog: [], workQueues: [], error: `Kafka: ${(error as Error).message}` };
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
    const reacting = this.choreography.services.filter((role) => role.group !== null);
    const publishing = this.choreography.services.filter((role) => role.publishes.length > 0).map(({ service }) => service);
    const queueing = this.choreography.services.flatMap(({ service }) => {
      const queue = workQueueOf(service);
      return queue ? [{ service, queue }] : [];
    });
    const topicOf = new Map(this.choreography.events.map(({ eventType, topic }) => [eventType, topic]));
    // Each service's metrics scraped once, for its outbox and its work queue alike.
    const scraped = new Map<ServiceName, Promise<MetricSample[] | null>>();
    for (const service of [...publishing, ...queueing.map(({ service }) => service)]) {
      if (!scraped.has(service)) scraped.set(service, scrapeMetrics(this.serviceUrls[service]));
    }
    const [{ groups: described }, outboxBacklog, queues] = await Promise.all([
      admin.describeGroups(reacting.map((role) => role.group!)),
      Promise.all(publishing.map(async (service) => ({ service, ...readOutboxBacklog(await scraped.get(service)!) }))),
      Promise.all(queueing.map(async ({ service, queue }) => ({ service, queue, ...readWorkQueue(await scraped.get(service)!, service, queue) }))),
    ]);
    const counts: Counts = { at: Date.now(), committed: new Map(), published: new Map(), jobsDone: new Map() };
    const perSecond = (now: number, before: number | undefined) =>
      this.previous && before !== undefined ? Math.max(0, Math.round(((now - before) * 1_000) / (counts.at - this.previous.at))) : 0;
    const workQueues = queues.map(({ service, queue, ready, delayed, deadLetters, done, paused }): WorkQueueStatus => {
      if (done !== null) counts.jobsDone.set(queue, done);
      return { service, queue, ready, delayed, deadLetters, donePerSecond: done === null ? null : perSecond(done, this.previous?.jobsDone.get(queue)), paused };
    });
    const published = await Promise.all(
      this.choreography.events.map(async ({ topic }) => {
        counts.published.set(topic, sum(await ends(topic), ({ high }) => Number(high)));
        return { topic, eventsPerSecond: perSecond(counts.published.get(topic)!, this.previous?.published.get(topic)) };
      }),
    );
    const groups = await Promise.all(
      reacting.map(async ({ service, group, reactsTo }): Promise<ConsumerGroupStatus> => {
        // The topics it reacts to count before it has committed on them: a new group's lag is all their records.
        const partitions = await consumerGroupLag(admin, group!, { alsoTopics: reactsTo.map((eventType) => topicOf.get(eventType)!), topicEnds: ends });
        const topics = [...new Set(partitions.map(({ topic }) => topic))].map((topic) => {
          const ofTopic = partitions.filter((partition) => partition.topic === topic);
          const key = `${group} ${topic}`;
          counts.committed.set(key, sum(ofTopic, ({ committed }) => committed));
          return { topic, lag: sum(ofTopic, ({ lag }) => lag), eventsPerSecond: perSecond(counts.committed.get(key)!, this.previous?.committed.get(key)) };
        });
        const status = described.find((candidate) => candidate.groupId === group);
        return {
          service,
          state: status?.state ?? 'Unknown',
          members: status?.members.length ?? 0,
          lag: sum(partitions, ({ lag }) => lag),
          partitions: partitions.map(({ topic, partition, lag }) => ({ topic, partition, lag })),
          eventsPerSecond: sum(topics, ({ eventsPerSecond }) => eventsPerSecond),
          topics,
          deadLetters: sum(await ends(failureTopics(service).deadLetter), ({ high, low }) => Number(high) - Number(low)),
        };
      }),
    );
    this.previous = counts;
    return { at: counts.at, published, groups, outboxBacklog, workQueues };
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

function sum<T>(items: T[], value: (item: T) => number): number {
  return items.reduce((total, item) => total + value(item), 0);
}
