import { brokerEndpoint } from './broker-endpoint';
import { ConfirmSession } from './confirm-session';
import { NewJob } from './job';
import { declareTopology, workQueueTopology } from './queue-topology';
import { isMessageRefusal, WorkQueuePublishFailed } from './work-queue-errors';

/** Where jobs are published: the broker, the work queue's name, and its retry delays (its delay queues are declared with it). */
export interface WorkQueueAddress {
  url: string;
  queue: string;
  retryDelaysMs: number[];
}

/**
 * Publishes jobs to a work queue with publisher confirms: `publish` resolves only once the broker has
 * every job of the batch on disk. Nothing is retried here; a caller that sends again after a failure
 * (the outbox relay does) may publish a job twice, and workers deduplicate on its messageId.
 */
export class WorkQueuePublisher {
  private session?: ConfirmSession;

  constructor(private readonly address: WorkQueueAddress) {}

  /** Connects and declares the work queue's queues; does nothing while connected, and connects again after a loss. */
  async connect(): Promise<void> {
    if (this.session && !this.session.lost) return;
    await this.disconnect();
    const session = await ConfirmSession.open(this.address.url, `work-queue-publisher ${this.address.queue}`);
    await session.prepared((channel) => declareTopology(channel, workQueueTopology(this.address.queue, this.address.retryDelaysMs)));
    this.session = session;
  }

  /**
   * Publishes the jobs in order, persistent, and resolves once the broker has confirmed every one.
   * Throws {@link WorkQueuePublishFailed} when any was not confirmed; none of the batch can then be
   * taken as published. After a lost connection, connect() again before the next publish.
   */
  async publish(jobs: NewJob[]): Promise<void> {
    const session = this.session;
    if (!session || session.lost) {
      throw new WorkQueuePublishFailed(`not connected to ${brokerEndpoint(this.address.url)}: connect() first`, { cause: session?.lostBecause });
    }
    // amqplib buffers what the socket cannot take yet; the caller bounds a batch.
    const outcomes = await Promise.allSettled(jobs.map((job) => session.publish(this.address.queue, job.body, { messageId: job.messageId, headers: job.headers })));
    const failed = outcomes.find((outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected');
    if (failed) throw this.publishFailure(session, failed.reason);
  }

  async disconnect(): Promise<void> {
    const session = this.session;
    this.session = undefined;
    await session?.close();
  }

  private publishFailure(session: ConfirmSession, error: unknown): WorkQueuePublishFailed {
    // A queue gone missing (the next connect() declares it again).
    if (error instanceof WorkQueuePublishFailed) return error;
    const where = `publishing to ${this.address.queue} on ${brokerEndpoint(this.address.url)}`;
    if (error instanceof RangeError) {
      // Thrown by amqplib before anything is sent: a table of headers larger than it can encode.
      return new WorkQueuePublishFailed(`${where}: amqplib cannot encode a job (${error.message})`, { cause: error, refusedForGood: true });
    }
    const lostBecause = session.lostBecause;
    if (lostBecause) return new WorkQueuePublishFailed(`${where} was not confirmed: ${lostBecause.message}`, { cause: lostBecause, refusedForGood: isMessageRefusal(lostBecause) });
    // amqplib's "message nacked": RabbitMQ nacks when a queue refuses more for now, or on an internal error.
    return new WorkQueuePublishFailed(`${where}: the broker nacked a job (${(error as Error).message})`, { cause: error });
  }
}
