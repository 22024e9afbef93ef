import { randomUUID } from 'node:crypto';
import { Admin } from 'kafkajs';
import { loadPlatformConfig } from '@ensemble/config';
import { createKafka } from '@ensemble/kafka/create-kafka';

/** Clients for integration specs, pointed at the configured (by default the local) infrastructure. */
export const platform = loadPlatformConfig();

export const kafka = createKafka(platform, 'ensemble-infra-spec');

/** A topic of the spec's own, so that specs never read each other's records; deleted by `deleteTopic`. */
export async function createScratchTopic(admin: Admin, purpose: string, configEntries: Array<{ name: string; value: string }> = []): Promise<string> {
  const topic = `spec.${purpose}-${randomUUID().slice(0, 8)}`;
  await admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: 1, replicationFactor: 1, configEntries }] });
  return topic;
}
