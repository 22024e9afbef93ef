import { isRefusedForGood, WorkQueuePublisher } from '@ensemble/work-queue';
import { OutboxDestination, PendingRow, RowNotPublishableError } from '../outbox-destination';

interface QueuedJob {
  messageId: string;
  body: Buffer;
  headers: Record<string, string>;
}

/**
 * Jobs to the service's work queue on RabbitMQ: the row's JSON body as a persistent message whose id
 * is the row's, through a confirm channel. A row that names another queue than the one the
 * publisher declared is parked.
 */
export class WorkQueueDestination implements OutboxDestination<QueuedJob> {
  readonly name = 'rabbitmq';

  constructor(
    private readonly publisher: WorkQueuePublisher,
    /** The queue the publisher declared, and the only one its rows may name. */
    private readonly queue: string,
  ) {}

  connect(): Promise<void> {
    return this.publisher.connect();
  }

  disconnect(): Promise<void> {
    return this.publisher.disconnect();
  }

  async encode(row: PendingRow, traceparent: string): Promise<QueuedJob> {
    if (row.topic !== this.queue) throw new RowNotPublishableError(`the job is for ${row.topic}, and this service's work queue is ${this.queue}`);
    return { messageId: row.id, body: Buffer.from(JSON.stringify(row.payload)), headers: { ...row.headers, traceparent } };
  }

  /**
   * Connects again first if the channel was lost: RabbitMQ closes it when it refuses a message for
   * good, and the relay then sends the batch's jobs one by one to find that one and park it.
   */
  async send(batch: QueuedJob[]): Promise<void> {
    await this.publisher.connect();
    await this.publisher.publish(batch);
  }

  isRefusedForGood(error: unknown): boolean {
    return isRefusedForGood(error);
  }
}
