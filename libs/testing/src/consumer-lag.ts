import { Admin, Kafka } from 'kafkajs';
import { ServiceName } from '@ensemble/config';
import { failureTopics } from '@ensemble/event-consumer';
import { consumerGroupLag } from '@ensemble/kafka';
import { pollUntil } from '@ensemble/retry';

/**
 * Records not yet committed by a service's group, over every topic it has committed on and its
 * retry topics: a record another spec left waiting in a retry topic the group has never committed
 * on counts too, so a spec that waits for this does not start behind it.
 */
export async function groupLag(admin: Admin, service: ServiceName): Promise<number> {
  return (await consumerGroupLag(admin, service, { alsoTopics: failureTopics(service).retries })).reduce((sum, { lag }) => sum + lag, 0);
}

/** Waits until every group has committed to the end of its topics, e.g. worked off a backlog left by earlier specs. */
export async function waitUntilCaughtUp(kafka: Kafka, groups: ServiceName[], timeoutMs = 180_000): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const deadline = Date.now() + timeoutMs;
    for (const group of groups) {
      await pollUntil(async () => (await groupLag(admin, group)) === 0, {
        intervalMs: 50,
        timeoutMs: Math.max(0, deadline - Date.now()),
        description: `${group} to work off its backlog`,
      });
    }
  } finally {
    await admin.disconnect();
  }
}
