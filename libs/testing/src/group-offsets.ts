import { Kafka } from 'kafkajs';
import { PlatformConfig, SERVICES, workQueueOf } from '@ensemble/config';
import { failureTopics } from '@ensemble/event-consumer';
import { loadEventCatalogue } from '@ensemble/events';
import { connectToBroker, workQueueTopology } from '@ensemble/work-queue';

/** Commits `group`'s offsets at the topics' ends, so that it reads only what comes after. The group must have no member. */
export async function startGroupAtEnds(kafka: Kafka, group: string, topics: string[]): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    for (const topic of topics) {
      const ends = await admin.fetchTopicOffsets(topic);
      await admin.setOffsets({ groupId: group, topic, partitions: ends.map(({ partition, high }) => ({ partition, offset: high })) });
    }
  } finally {
    await admin.disconnect();
  }
}

/**
 * What earlier specs left the notifications service to email: follow-on events its group has not
 * read (specs that ran without it) and jobs still on its queue. A spec that runs notifications starts
 * past them, so that it emails only what it causes itself, and its time and its counts do not depend
 * on the specs before it. Call it while no notifications instance runs.
 */
export async function skipNotificationsBacklog(kafka: Kafka, { workQueue }: PlatformConfig): Promise<void> {
  const catalogue = loadEventCatalogue();
  const topics = [...SERVICES.notifications.reactsTo.map((eventType) => catalogue.get(eventType).topic), ...failureTopics('notifications').retries];
  await startGroupAtEnds(kafka, 'notifications', topics);
  const topology = workQueueTopology(workQueueOf('notifications')!, workQueue.retryDelaysMs);
  const connection = await connectToBroker(workQueue.url, 'spec: skip the notifications backlog');
  try {
    for (const { name } of [topology.work, ...topology.delays]) {
      // A queue not declared yet has nothing to skip; the failed purge closes only its own channel.
      const channel = await connection.createChannel();
      channel.on('error', () => undefined);
      await channel.purgeQueue(name).then(
        () => channel.close(),
        () => undefined,
      );
    }
  } finally {
    await connection.close().catch(() => undefined);
  }
}
