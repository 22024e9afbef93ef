import { Admin, ConfigResourceTypes } from 'kafkajs';
import { managedConfig, TopicDeclaration } from '@ensemble/contract';
import { InfraError } from './infra-error';

export interface ExistingTopic {
  partitions: number;
  replicationFactor: number;
  config: Record<string, string>;
}

export type TopicChange =
  | { kind: 'create'; topic: TopicDeclaration }
  | { kind: 'add-partitions'; topic: TopicDeclaration; from: number }
  | { kind: 'alter-config'; topic: TopicDeclaration; differences: string[] };

/** What it takes to bring the cluster in line with the declarations; throws on what Kafka cannot change in place. */
export function planTopicChanges(
  declared: TopicDeclaration[],
  existing: ReadonlyMap<string, ExistingTopic>,
): TopicChange[] {
  const changes: TopicChange[] = [];
  for (const topic of declared) {
    const current = existing.get(topic.name);
    if (!current) {
      changes.push({ kind: 'create', topic });
      continue;
    }
    if (current.partitions > topic.partitions) {
      throw new InfraError(
        'topics',
        `${topic.name} has ${current.partitions} partitions but declares ${topic.partitions}: Kafka cannot remove partitions`,
      );
    }
    if (current.replicationFactor !== topic.replicationFactor) {
      throw new InfraError(
        'topics',
        `${topic.name} has replication factor ${current.replicationFactor} but declares ${topic.replicationFactor}: reassign its partitions by hand`,
      );
    }
    if (current.partitions < topic.partitions) changes.push({ kind: 'add-partitions', topic, from: current.partitions });
    const differences = Object.entries(managedConfig(topic))
      .filter(([name, value]) => current.config[name] !== value)
      .map(([name, value]) => `${name} ${current.config[name] ?? '(unset)'} -> ${value}`);
    if (differences.length > 0) changes.push({ kind: 'alter-config', topic, differences });
  }
  return changes;
}

/** Applies the declarations idempotently: a second run finds nothing to change. */
export async function applyTopics(admin: Admin, declared: TopicDeclaration[]): Promise<TopicChange[]> {
  const changes = planTopicChanges(declared, await describeTopics(admin, declared));
  const created = changes.flatMap((change) => (change.kind === 'create' ? [change.topic] : []));
  if (created.length > 0) {
    await admin.createTopics({
      waitForLeaders: true,
      topics: created.map((topic) => ({
        topic: topic.name,
        numPartitions: topic.partitions,
        replicationFactor: topic.replicationFactor,
        configEntries: Object.entries(managedConfig(topic)).map(([name, value]) => ({ name, value })),
      })),
    });
  }
  const grown = changes.flatMap((change) => (change.kind === 'add-partitions' ? [change.topic] : []));
  if (grown.length > 0) {
    await admin.createPartitions({ topicPartitions: grown.map((topic) => ({ topic: topic.name, count: topic.partitions })) });
  }
  const altered = changes.flatMap((change) => (change.kind === 'alter-config' ? [change.topic] : []));
  if (altered.length > 0) {
    // AlterConfigs replaces a topic's whole set of overrides: these are all the ones Ensemble sets.
    await admin.alterConfigs({
      validateOnly: false,
      resources: altered.map((topic) => ({
        type: ConfigResourceTypes.TOPIC,
        name: topic.name,
        configEntries: Object.entries(managedConfig(topic)).map(([name, value]) => ({ name, value })),
      })),
    });
  }
  return changes;
}

export async function describeTopics(
  admin: Admin,
  declared: Pick<TopicDeclaration, 'name'>[],
): Promise<Map<string, ExistingTopic>> {
  const present = new Set(await admin.listTopics());
  const names = declared.map((topic) => topic.name).filter((name) => present.has(name));
  const existing = new Map<string, ExistingTopic>();
  if (names.length === 0) return existing;
  const metadata = await admin.fetchTopicMetadata({ topics: names });
  const configs = await admin.describeConfigs({
    includeSynonyms: false,
    resources: names.map((name) => ({ type: ConfigResourceTypes.TOPIC, name })),
  });
  for (const topic of metadata.topics) {
    const resource = configs.resources.find((candidate) => candidate.resourceName === topic.name);
    existing.set(topic.name, {
      partitions: topic.partitions.length,
      replicationFactor: topic.partitions[0]?.replicas.length ?? 0,
      config: Object.fromEntries((resource?.configEntries ?? []).map((entry) => [entry.configName, entry.configValue])),
    });
  }
  return existing;
}
