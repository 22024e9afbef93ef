import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Counter, Gauge, Registry } from 'prom-client';
import { DataSource, Not } from 'typeorm';
import { PLATFORM_CONFIG, PlatformConfig } from '@ensemble/config';
import { isCanonicalUuid } from '@ensemble/event-codec';
import { Job, measureWorkQueue, WorkQueueWorker } from '@ensemble/work-queue';
import { EMAIL_QUEUE } from './email-job';
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
    new Gauge({
      name: 'ensemble_work_queue_messages',
      help: 'Messages in the email work queue, by state: ready (waiting for a worker), delayed (waiting out a retry delay), dead-letter',
      labelNames: ['queue', 'state'],
      registers: [registry],
      async collect() {
        const depth = await measureWorkQueue(settings.url, EMAIL_QUEUE, settings.retryDelaysMs).catch(() => undefined);
        if (!depth) return this.reset();
        this.set({ queue: EMAIL_QUEUE, state: 'ready' }, depth.ready);
        this.set({ queue: EMAIL_QUEUE, state: 'delayed' }, depth.delayed);
        this.set({ queue: EMAIL_QUEUE, state: 'dead-letter' }, depth.deadLetters);
      },
    });
    this.worker.on('done', () => outcomes.inc({ outcome: 'done' }));
    this.worker.on('retryScheduled', ({ job, attempt, delayMs, reason }) => {
      outcomes.inc({ outcome: 'retry' });
      this.logger.warn({ jobId: job.messageId }, `attempt ${attempt} failed, trying again in ${delayMs} ms: ${reason}`);
      void this.recordFailure(job, 'queued', attempt, reason);
    });
    this.worker.on('deadLettered', ({ job, reason }) => {
      outcomes.inc({ outcome: 'dead-letter' });
      this.logger.error({ jobId: job.messageId }, `dead-lettered after ${job.attempts + 1} attempts (npm run dlq -- redrive notifications): ${reason}`);
      void this.recordFailure(job, 'dead-lettered', job.attempts + 1, reason);
    });
    this.worker.on('paused', ({ reason, retryInMs }) => {
      paused.set(1);
      this.logger.warn(`paused: ${reason}; trying again in ${retryInMs} ms, jobs keep their attempts`);
    });
    this.worker.on('resumed', () => {
      paused.set(0);
      this.logger.log('resumed taking jobs');
    });
    this.worker.on('disconnected', ({ error }) => this.logger.warn(`lost the work queue, connecting again: ${error.message}`));
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.worker.start();
    this.logger.log(`taking jobs from ${EMAIL_QUEUE}`);
  }

  onApplicationShutdown(): Promise<void> {
    return this.worker.stop();
  }

  /** What the email's row says of a failed job; best effort, since the job itself is where its attempts are kept. */
  private async recordFailure(job: Job, status: 'queued' | 'dead-lettered', attempts: number, reason: string): Promise<void> {
    // The job's message id is its email's id; a message that is not a job names none.
    if (!isCanonicalUuid(job.messageId)) return;
    await this.dataSource.manager
      .update(Email, { id: job.messageId, status: Not('sent') }, { status, attempts, failure: reason.slice(0, 1_000) })
      .catch((error: Error) => this.logger.warn({ jobId: job.messageId }, `could not record the failure on the email: ${error.message}`));
  }
}
