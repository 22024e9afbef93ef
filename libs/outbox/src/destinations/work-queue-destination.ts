import { isRefusedForGood, WorkQueuePublisher } from '@ensemble/work-queue';
import { OutboxDestination, PendingRow } from '../outbox-destination';

interface QueuedJob {
  messageId: string;
  body: Buffer;
  headers: Record<string, string>;
}

/**
 * Jobs to the service's work queue on RabbitMQ: the row's JSON body as a persistent message whose id
 * is the row's, through a confirm channel. Every row of this destination names the one queue the
 * publisher declared.
 */
export class WorkQueueDestination implements OutboxDestination<QueuedJob> {
  readonly name = 'rabbitmq';

  constructor(private readonly publisher: WorkQueuePublisher) {}

  connect(): Promise<void> {
    return this.publisher.connect();
  }

  disconnect(): Promise<void> {
    return this.publisher.disconnect();
  }

  async encode(row: PendingRow, traceparent: string): Promise<QueuedJob> {
    return { messageId: row.id, body: Buffer.from(JSON.stringify(row.payload)), headers: { ...row.headers, traceparent } };
  }

  send(batch: QueuedJob[]): Promise<void> {
    return this.publisher.publish(batch);
  }

  isRefusedForGood(error: unknown): boolean {
    return isRefusedForGood(error);
  }
}
