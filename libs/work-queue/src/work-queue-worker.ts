import { EventEmitter } from 'node:events';
import type { ConsumeMessage } from 'amqplib';
import { BackoffOptions, endedBy, EnsembleError, Progressed, retry, transient } from '@ensemble/retry';
import { afterFailure } from './after-failure';
import { forwardedProperties } from './broker-connection';
import { ConfirmSession } from './confirm-session';
import { deadLetterHeaders } from './dead-letter';
import { failureReason, Job, JOB_HEADERS, jobOf } from './job';
import { declareTopology, workQueueTopology } from './queue-topology';
import { WorkUnavailableError } from './work-queue-errors';

export interface WorkQueueWorkerSettings {
  url: string;
  queue: string;
  /** Jobs held unacknowledged at once: the most that are handled at the same time. */
  prefetch: number;
  /** The delay before each retry of a job that failed; one more failure than there are delays dead-letters it. */
  retryDelaysMs: number[];
  /** The wait before taking jobs again after an outage, or connecting again; doubles while nothing gets done. */
  backoff?: BackoffOptions;
}

/** An outage or a lost broker is first waited out for up to half a second, and never for more than 30 s at a time. */
const DEFAULT_BACKOFF: BackoffOptions = { initialMs: 500, maxMs: 30_000 };

/** Handles one job. Throws {@link WorkUnavailableError} when what the job needs is down, any other error when the job itself failed. */
export type JobHandler = (job: Job) => Promise<void>;

/** What the worker reports, for logs and metrics; the worker itself never logs. */
export interface WorkQueueWorkerEvents {
  /** Consuming for the first time since start(). */
  started: [];
  done: [{ job: Job; durationMs: number }];
  /** The job failed and waits in a delay queue; `attempt` is its count of failed attempts now. */
  retryScheduled: [{ job: Job; attempt: number; delayMs: number; reason: string }];
  /** The job failed on its last attempt and went to the dead-letter queue. */
  deadLettered: [{ job: Job; reason: string }];
  /** The job went back to its queue as it was: taken during a pause, or its move to a delay or dead-letter queue was not confirmed. */
  requeued: [{ job: Job; reason: string }];
  /** A handler reported an outage: the worker takes no job for `retryInMs`, then tries again. */
  paused: [{ reason: string; retryInMs: number }];
  /** Taking jobs again, after a pause or a reconnection. */
  resumed: [];
  /** The connection was lost or could not be made: the worker connects again after `retryInMs`. */
  disconnected: [{ error: Error; retryInMs: number }];
}

/** The end of a round of consuming: a stop (undefined), an outage, or a lost connection. */
type RoundEnd = (reason?: Error) => void;

/**
 * Takes jobs from a work queue and hands each to its handler, at most `prefetch` at once, and
 * acknowledges each only once it is settled: handled, or published to a delay queue or the
 * dead-letter queue (confirmed first, so a crash in between runs the job again rather than losing it).
 * A handler's {@link WorkUnavailableError} pauses the worker with a growing backoff; a lost
 * connection is waited out the same way. Jobs in hand when a connection is lost are delivered
 * again by RabbitMQ, `redelivered` set.
 */
export class WorkQueueWorker extends EventEmitter<WorkQueueWorkerEvents> {
  private running = false;
  private stopped = new AbortController();
  private loop?: Promise<void>;
  /** Its channel carries both the consumer and the confirmed publishes of failed jobs, which are acknowledged on it. */
  private session?: ConfirmSession;
  private consumerTag?: string;
  private endRound?: RoundEnd;
  /** Set by an outage until the next round: jobs still arriving go back to the queue untouched. */
  private paused = false;
  private progressed: Progressed = () => undefined;
  private readonly inHand = new Set<Promise<void>>();

  constructor(
    private readonly settings: WorkQueueWorkerSettings,
    private readonly handle: JobHandler,
  ) {
    super();
  }

  /** Starts consuming in the background: a broker that is down is waited for, so this returns at once. */
  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    this.stopped = new AbortController();
    this.loop = this.run();
  }

  /** Takes no more jobs, lets the jobs in hand finish and be acknowledged, then closes the connection. */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.stopped.abort();
    this.endRound?.();
    await this.loop;
  }

  /**
   * Rounds of consuming until stopped. A round ends on an outage or a lost connection; the next one
   * starts after a backoff that grows while rounds end without a job settled, and starts over once one is.
   */
  private async run(): Promise<void> {
    let rounds = 0;
    await retry(
      async (_attempt, _bail, progressed) => {
        this.progressed = progressed;
        const ended = new Promise<void>((resolve, reject) => {
          this.endRound = (reason) => (reason ? reject(reason) : resolve());
        });
        // Awaited below; this only keeps an end that comes while connecting from going unhandled.
        ended.catch(() => undefined);
        try {
          const session = this.session && !this.session.lost ? this.session : await this.connect();
          if (this.stopped.signal.aborted) return;
          this.paused = false;
          const { consumerTag } = await session.channel.consume(this.settings.queue, (message) => this.receive(session, message), { noAck: false });
          this.consumerTag = consumerTag;
          this.emit(rounds++ === 0 ? 'started' : 'resumed');
          await ended;
        } catch (error) {
          throw error instanceof WorkUnavailableError ? error : transient(error);
        } finally {
          this.endRound = undefined;
          await this.cancelConsumer();
          await Promise.allSettled(this.inHand);
        }
      },
      {
        ...(this.settings.backoff ?? DEFAULT_BACKOFF),
        signal: this.stopped.signal,
        onRetry: (error, { delayMs }) => {
          if (error instanceof WorkUnavailableError) this.emit('paused', { reason: failureReason(error), retryInMs: delayMs });
          else this.emit('disconnected', { error: ((error as Error).cause as Error | undefined) ?? (error as Error), retryInMs: delayMs });
        },
      },
    ).catch(endedBy(this.stopped.signal));
    await this.disconnect();
  }

  private async connect(): Promise<ConfirmSession> {
    await this.disconnect();
    const session = await ConfirmSession.open(this.settings.url, `work-queue-worker ${this.settings.queue}`, (reason) => {
      if (this.session === session) this.endRound?.(reason);
    });
    await session.prepared(async (channel) => {
      await declareTopology(channel, workQueueTopology(this.settings.queue, this.settings.retryDelaysMs));
      await channel.prefetch(this.settings.prefetch);
    });
    this.session = session;
    return session;
  }

  private async disconnect(): Promise<void> {
    const session = this.session;
    this.session = undefined;
    await session?.close();
  }

  /** Stops deliveries to this worker; jobs already delivered are still settled. */
  private async cancelConsumer(): Promise<void> {
    const consumerTag = this.consumerTag;
    this.consumerTag = undefined;
    const session = this.session;
    if (consumerTag === undefined || !session || session.lost) return;
    await session.channel.cancel(consumerTag).catch(() => undefined);
  }

  private receive(session: ConfirmSession, message: ConsumeMessage | null): void {
    if (message === null) {
      // RabbitMQ cancels a consumer whose queue was deleted; the next round declares it again.
      this.endRound?.(new EnsembleError(`the broker cancelled the consumer of ${this.settings.queue} (was the queue deleted?)`, { retriable: true }));
      return;
    }
    const handling = this.settle(session, message).finally(() => this.inHand.delete(handling));
    this.inHand.add(handling);
  }

  private async settle(session: ConfirmSession, message: ConsumeMessage): Promise<void> {
    const job = jobOf(message);
    if (this.paused) {
      this.requeue(session, message, job, 'the worker is paused by an outage');
      return;
    }
    const started = Date.now();
    try {
      await this.handle(job);
    } catch (error) {
      if (error instanceof WorkUnavailableError) {
        this.requeue(session, message, job, failureReason(error));
        this.pause(error);
      } else {
        await this.moveFailed(session, message, job, error);
      }
      return;
    }
    if (this.acknowledge(session, message)) {
      this.progressed();
      this.emit('done', { job, durationMs: Date.now() - started });
    }
  }

  /** Ends the round with the outage: no more jobs are taken until the backoff has passed. */
  private pause(outage: WorkUnavailableError): void {
    if (this.paused) return;
    this.paused = true;
    this.endRound?.(outage);
  }

  /**
   * Publishes a failed job to the delay queue of its next attempt, or to the dead-letter queue after
   * its last, then acknowledges it. If the publish is not confirmed, the job goes back to its queue
   * untouched, to fail and be moved again.
   */
  private async moveFailed(session: ConfirmSession, message: ConsumeMessage, job: Job, error: unknown): Promise<void> {
    const reason = failureReason(error);
    const next = afterFailure(this.settings.queue, job.attempts, this.settings.retryDelaysMs);
    const headers =
      next.kind === 'retry'
        ? { ...job.headers, [JOB_HEADERS.attempts]: String(next.attempts) }
        : deadLetterHeaders(job.headers, { reason, attempts: next.attempts, failedAt: new Date() });
    try {
      await session.publish(next.queue, message.content, forwardedProperties(message, headers));
    } catch (publishError) {
      this.requeue(session, message, job, `moving it to ${next.queue} failed (${failureReason(publishError)}) after: ${reason}`);
      return;
    }
    if (!this.acknowledge(session, message)) return;
    this.progressed();
    if (next.kind === 'retry') this.emit('retryScheduled', { job, attempt: next.attempts, delayMs: next.delayMs, reason });
    else this.emit('deadLettered', { job, reason });
  }

  /** False when the channel is gone: RabbitMQ then delivers the job again, to this worker after it reconnects or to another. */
  private acknowledge(session: ConfirmSession, message: ConsumeMessage): boolean {
    if (session.lost) return false;
    try {
      session.channel.ack(message);
      return true;
    } catch {
      return false;
    }
  }

  private requeue(session: ConfirmSession, message: ConsumeMessage, job: Job, reason: string): void {
    if (session.lost) return;
    try {
      session.channel.nack(message, false, true);
    } catch {
      return;
    }
    this.emit('requeued', { job, reason });
  }
}
