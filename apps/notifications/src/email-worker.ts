import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Counter, Gauge, Registry } from 'prom-client';
import { DataSource, Not } from 'typeorm';
import { PLATFORM_CONFIG, PlatformConfig } from '@ensemble/config';
import { Job, measureWorkQueue, WorkQueueMeasure, WorkQueueWorker } from '@ensemble/work-queue';
import { EMAIL_QUEUE, EmailJob, parseEmailJob } from './email-job';
import { Email } from './email.entity';
import { EmailDelivery } from './email-delivery';

/**
 * The notifications service's worker: takes email jobs from the work queue with a bounded prefetch
 * and delivers them (see {@link EmailDelivery}); keeps each email's row in step with what happened
 * to its job (a failed attempt, a dead letter), and turns what the worker reports into logs and metrics.
 */
@Injectable()
export class EmailWorker implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('email-worker');
  private readonly worker: WorkQueueWorker;

  constructor(
    delivery: EmailDelivery,
    private readonly dataSource: DataSource,
    @Inject(PLATFORM_CONFIG) config: PlatformConfig,
    registry: Registry,
  ) {
    const settings = { ...config.workQueue, queue: EMAIL_QUEUE };
    this.worker = new WorkQueueWorker(settings, (job) => delivery.deliver(job));
    const outcomes = new Counter({
      name: 'ensemble_notifications_jobs_total',
      help: 'Email jobs handled, by outcome: done (sent, or found sent before), retry (failed, scheduled again after a delay), dead-letter (failed every attempt)',
      labelNames: ['outcome'],
      registers: [registry],
    });
    const paused = new Gauge({ name: 'ensemble_notifications_worker_paused', help: '1 while the worker waits out an outage (the mail server or the database down)', registers: [registry] });
    // Counted in the background, at most every few seconds: a scrape never waits for RabbitMQ, so a
    // slow broker does not make the service look down to whoever scrapes it (the console, every second).
    const depth = new QueueDepth(() => measureWorkQueue(settings.url, EMAIL_QUEUE, settings.retryDelaysMs));
    new Gauge({
      name: 'ensemble_work_queue_messages',
      help: 'Messages in the email work queue, by state: ready (waiting for a worker), delayed (waiting out a retry delay), dead-letter; counted at most every 5 s',
      labelNames: ['queue', 'state'],
      registers: [registry],
      collect() {
        const counted = depth.latest();
        if (!counted) return this.reset();
        this.set({ queue: EMAIL_QUEUE, state: 'ready' }, counted.ready);
        this.set({ queue: EMAIL_QUEUE, state: 'delayed' }, counted.delayed);
        this.set({ queue: EMAIL_QUEUE, state: 'dead-letter' }, counted.deadLetters);
      },
    });
    // Paused from the first outage until a job is settled again: a resumption that only tries the next job is not the end of it.
    this.worker.on('done', () => {
      paused.set(0);
      outcomes.inc({ outcome: 'done' });
    });
    this.worker.on('retryScheduled', ({ job, attempt, delayMs, reason }) => {
      paused.set(0);
      outcomes.inc({ outcome: 'retry' });
      this.logger.warn({ jobId: job.messageId }, `attempt ${attempt} failed, trying again in ${delayMs} ms: ${reason}`);
      void this.recordFailure(job, 'queued', attempt, reason);
    });
    this.worker.on('deadLettered', ({ job, reason }) => {
      paused.set(0);
      outcomes.inc({ outcome: 'dead-letter' });
      this.logger.error({ jobId: job.messageId }, `dead-lettered after ${job.attempts + 1} attempts (npm run dlq -- redrive notifications): ${reason}`);
      void this.recordFailure(job, 'dead-lettered', job.attempts + 1, reason);
    });
    this.worker.on('paused', ({ reason, retryInMs }) => {
      paused.set(1);
      this.logger.warn(`paused: ${reason}; trying again in ${retryInMs} ms, jobs keep their attempts`);
    });
    this.worker.on('resumed', () => this.logger.log('taking jobs again'));
    this.worker.on('disconnected', ({ error }) => this.logger.warn(`lost the work queue, connecting again: ${error.message}`));
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.worker.start();
    this.logger.log(`taking jobs from ${EMAIL_QUEUE}`);
  }

  onApplicationShutdown(): Promise<void> {
    return this.worker.stop();
  }

  /**
   * What the email's row says of a failed job; best effort, since the job itself is where its
   * attempts are kept. Only a job that is one, for the email it names: a message that is not a job
   * changes no row.
   */
  private async recordFailure(job: Job, status: 'queued' | 'dead-lettered', attempts: number, reason: string): Promise<void> {
    let email: EmailJob;
    try {
      email = parseEmailJob(job.body);
    } catch {
      return;
    }
    await this.dataSource.manager
      .update(Email, { id: email.emailId, messageId: email.messageId, status: Not('sent') }, { status, attempts, failure: reason.slice(0, 1_000) })
      .catch((error: Error) => this.logger.warn({ jobId: job.messageId }, `could not record the failure on the email: ${error.message}`));
  }
}

/** The last count of a queue's messages, counted again in the background once it is older than {@link QueueDepth.MAX_AGE_MS}. */
class QueueDepth {
  static readonly MAX_AGE_MS = 5_000;
  private counted?: { at: number; depth: WorkQueueMeasure };
  private counting = false;

  constructor(private readonly count: () => Promise<WorkQueueMeasure>) {}

  /** What was counted last, unless it is stale (twice the age), and starts a count if it is due. */
  latest(): WorkQueueMeasure | undefined {
    const age = this.counted ? Date.now() - this.counted.at : Infinity;
    if (age > QueueDepth.MAX_AGE_MS && !this.counting) {
      this.counting = true;
      this.count()
        .then((depth) => (this.counted = { at: Date.now(), depth }), () => (this.counted = undefined))
        .finally(() => (this.counting = false));
    }
    return age <= 2 * QueueDepth.MAX_AGE_MS ? this.counted?.depth : undefined;
  }
}
