import type { GetMessage } from 'amqplib';
import { connectToBroker, forwardedProperties } from './broker-connection';
import { ConfirmSession } from './confirm-session';
import { DeadLetter, deadLetterOf, redrivenHeaders } from './dead-letter';
import { headersAsStrings } from './job';
import { deadLetterQueueName } from './queue-topology';

/** Dead letters listed at most, by default: each is held by the listing until it ends. */
const DEFAULT_LIST_LIMIT = 1_000;

/**
 * The dead letters of work queue `queue`, oldest first, left where they are. Each is taken without
 * an acknowledgement and held until the end, so that the next take returns the next one (one put
 * back at once would be taken again); closing the channel puts them all back.
 */
export async function listDeadLetters(url: string, queue: string, { limit = DEFAULT_LIST_LIMIT }: { limit?: number } = {}): Promise<DeadLetter[]> {
  const connection = await connectToBroker(url, `work-queue-dead-letters ${queue}`);
  try {
    const channel = await connection.createChannel();
    const letters: DeadLetter[] = [];
    for (let message: GetMessage | false; letters.length < limit && (message = await channel.get(deadLetterQueueName(queue), { noAck: false })); ) {
      letters.push(deadLetterOf(message));
    }
    await channel.close();
    return letters;
  } finally {
    await connection.close().catch(() => undefined);
  }
}

/**
 * Moves every job that is in the dead-letter queue of `queue` when it starts back to the work queue,
 * attempts starting over and a `redriven-at` header added; returns how many it moved. Each is
 * acknowledged in the dead-letter queue only once the broker has confirmed it in the work queue, so
 * a crash in between leaves it in both, never in neither: a worker deduplicates on its messageId.
 */
export async function redriveDeadLetters(url: string, queue: string): Promise<number> {
  const session = await ConfirmSession.open(url, `work-queue-redrive ${queue}`);
  try {
    const { channel } = session;
    const deadLetters = deadLetterQueueName(queue);
    // Only those there at the start: a job dead-lettered during the redrive waits for the next one.
    const { messageCount } = await channel.checkQueue(deadLetters);
    let moved = 0;
    for (let message: GetMessage | false; moved < messageCount && (message = await channel.get(deadLetters, { noAck: false })); moved++) {
      const headers = redrivenHeaders(headersAsStrings(message.properties.headers), new Date());
      await session.publish(queue, message.content, forwardedProperties(message, headers));
      channel.ack(message);
    }
    return moved;
  } finally {
    await session.close();
  }
}
