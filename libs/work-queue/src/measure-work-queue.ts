import type { ChannelModel } from 'amqplib';
import { connectToBroker } from './broker-connection';
import { workQueueTopology } from './queue-topology';

/** Jobs in a work queue's queues, for metrics and the live view. */
export interface WorkQueueMeasure {
  /** Waiting in the work queue for a worker (not counting those in a worker's hands). */
  ready: number;
  /** Waiting in the delay queues for their next attempt. */
  delayed: number;
  deadLetters: number;
  /** Workers consuming from the work queue. */
  consumers: number;
}

/** Counts the jobs in each queue of work queue `queue`; a queue that no publisher or worker has declared yet counts as empty. */
export async function measureWorkQueue(url: string, queue: string, retryDelaysMs: readonly number[]): Promise<WorkQueueMeasure> {
  const connection = await connectToBroker(url, `work-queue-measure ${queue}`);
  try {
    const topology = workQueueTopology(queue, retryDelaysMs);
    const [work, deadLetters, ...delays] = await Promise.all(
      [topology.work, topology.deadLetter, ...topology.delays].map((declaration) => checkQueue(connection, declaration.name)),
    );
    return {
      ready: work.messageCount,
      delayed: delays.reduce((sum, delay) => sum + delay.messageCount, 0),
      deadLetters: deadLetters.messageCount,
      consumers: work.consumerCount,
    };
  } finally {
    await connection.close().catch(() => undefined);
  }
}

const NOT_FOUND = 404;

/** A channel of its own for each check: the broker closes the channel that asks about a queue it does not have. */
async function checkQueue(connection: ChannelModel, name: string): Promise<{ messageCount: number; consumerCount: number }> {
  const channel = await connection.createChannel();
  channel.on('error', () => undefined);
  try {
    const { messageCount, consumerCount } = await channel.checkQueue(name);
    await channel.close();
    return { messageCount, consumerCount };
  } catch (error) {
    if ((error as { code?: unknown }).code === NOT_FOUND) return { messageCount: 0, consumerCount: 0 };
    throw error;
  }
}
