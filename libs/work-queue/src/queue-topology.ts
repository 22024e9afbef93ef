import type { Channel } from 'amqplib';

/**
 * Every queue is a quorum queue. RabbitMQ 3.10 gives quorum queues what the delay queues need, a
 * per-queue message TTL (new in 3.10) and dead-lettering, and one thing classic queues lack:
 * at-least-once dead-lettering (`x-dead-letter-strategy`, new in 3.10), where the broker moves an
 * expired job back to the work queue with publisher confirms and drops it from the delay queue only
 * once the work queue has it. A classic queue dead-letters at most once, so a broker stopped in the
 * middle of a move can lose the job. A quorum queue is durable by nature and keeps its log on disk
 * even with one node; jobs are published persistent all the same.
 */
const QUORUM = { 'x-queue-type': 'quorum' };

/** What one queue is declared with; a second declaration with other arguments is refused by the broker. */
export interface QueueDeclaration {
  name: string;
  arguments: Record<string, string | number>;
}

/** The queues of a work queue named `queue`. */
export interface WorkQueueTopology {
  /** Where jobs wait for a worker. */
  work: QueueDeclaration;
  /** One per retry delay, in the order of the delays: a failed job waits here, then goes back to the work queue. */
  delays: Array<QueueDeclaration & { delayMs: number }>;
  /** Where a job that failed on every attempt is kept for an operator. */
  deadLetter: QueueDeclaration;
}

export function delayQueueName(queue: string, delayMs: number): string {
  return `${queue}.delay-${delayMs}`;
}

export function deadLetterQueueName(queue: string): string {
  return `${queue}.dead-letter`;
}

/**
 * The queues behind a work queue. A delay queue holds no consumer: a job expires after the queue's
 * TTL and is dead-lettered to the work queue through the default exchange. One TTL per queue, so
 * the job at the head is always the next to expire and none waits behind a longer one.
 */
export function workQueueTopology(queue: string, retryDelaysMs: readonly number[]): WorkQueueTopology {
  return {
    work: { name: queue, arguments: QUORUM },
    delays: [...new Set(retryDelaysMs)].map((delayMs) => ({
      name: delayQueueName(queue, delayMs),
      delayMs,
      arguments: {
        ...QUORUM,
        'x-message-ttl': delayMs,
        'x-dead-letter-exchange': '',
        'x-dead-letter-routing-key': queue,
        'x-dead-letter-strategy': 'at-least-once',
        // At-least-once dead-lettering needs it; with no length limit set, it never refuses a job.
        'x-overflow': 'reject-publish',
      },
    })),
    deadLetter: { name: deadLetterQueueName(queue), arguments: QUORUM },
  };
}

/** Declares every queue of the topology, durable; the same declaration again changes nothing, so publishers and workers each declare it. */
export async function declareTopology(channel: Channel, topology: WorkQueueTopology): Promise<void> {
  for (const declaration of [topology.work, ...topology.delays, topology.deadLetter]) {
    await channel.assertQueue(declaration.name, { durable: true, arguments: declaration.arguments });
  }
}
