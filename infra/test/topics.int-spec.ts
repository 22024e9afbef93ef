import { Admin } from 'kafkajs';
import { loadEventCatalogue } from '@ensemble/events';
import { loadTopicDeclarations, managedConfig, TopicDeclaration } from '@ensemble/contract';
import { applyTopics, describeTopics } from '../src/topics';
import { createScratchTopic, kafka } from './kafka-clients';

describe('topics declared in infra/topics.yaml', () => {
  let admin: Admin;

  beforeAll(async () => {
    admin = kafka.admin();
    await admin.connect();
  });

  afterAll(() => admin.disconnect());

  it('exist on the broker with the declared partitions, replication and settings', async () => {
    const declared = loadTopicDeclarations();
    const existing = await describeTopics(admin, declared);

    for (const topic of declared) {
      const actual = existing.get(topic.name);
      expect({ name: topic.name, ...actual, config: pick(actual?.config, Object.keys(managedConfig(topic))) }).toEqual({
        name: topic.name,
        partitions: topic.partitions,
        replicationFactor: topic.replicationFactor,
        config: managedConfig(topic),
      });
    }
  });

  it('keeps event records forever', () => {
    const declared = new Map(loadTopicDeclarations().map((topic) => [topic.name, topic]));
    for (const event of loadEventCatalogue().events) expect(declared.get(event.topic)?.retentionMs).toBe(-1);
  });

  it('brings a drifted topic back in line, and a second application changes nothing', async () => {
    const name = await createScratchTopic(admin, 'drifted', [{ name: 'retention.ms', value: '60000' }]);
    const declaration: TopicDeclaration = {
      name,
      partitions: 3,
      replicationFactor: 1,
      retentionMs: -1,
      cleanupPolicy: 'delete',
      minInsyncReplicas: 1,
    };
    try {
      const first = await applyTopics(admin, [declaration]);
      const second = await applyTopics(admin, [declaration]);
      const after = (await describeTopics(admin, [declaration])).get(name);

      expect(first.map((change) => change.kind)).toEqual(['add-partitions', 'alter-config']);
      expect(second).toEqual([]);
      expect(after?.partitions).toBe(3);
      expect(after?.config['retention.ms']).toBe('-1');
    } finally {
      await admin.deleteTopics({ topics: [name] });
    }
  });
});

function pick(config: Record<string, string> | undefined, keys: string[]): Record<string, string | undefined> {
  return Object.fromEntries(keys.map((key) => [key, config?.[key]]));
}
