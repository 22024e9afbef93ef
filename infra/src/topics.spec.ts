import { CONSUMING_SERVICES } from '@ensemble/config';
import { loadTopicDeclarations, TopicDeclaration } from '@ensemble/contract';
import { failureTopics } from '@ensemble/event-consumer';
import { loadEventCatalogue } from '@ensemble/events';
import { InfraError } from './infra-error';
import { ExistingTopic, planTopicChanges } from './topics';

const declared: TopicDeclaration = {
  name: 'payments.payment-completed',
  partitions: 6,
  replicationFactor: 1,
  retentionMs: -1,
  cleanupPolicy: 'delete',
  minInsyncReplicas: 1,
};

const inLine: ExistingTopic = {
  partitions: 6,
  replicationFactor: 1,
  config: { 'retention.ms': '-1', 'cleanup.policy': 'delete', 'min.insync.replicas': '1', 'segment.bytes': '1073741824' },
};

describe('planTopicChanges', () => {
  it('creates a topic that does not exist', () => {
    expect(planTopicChanges([declared], new Map())).toEqual([{ kind: 'create', topic: declared }]);
  });

  it('changes nothing when the topic matches, whatever settings it does not manage', () => {
    expect(planTopicChanges([declared], new Map([[declared.name, inLine]]))).toEqual([]);
  });

  it('grows partitions and realigns drifted settings', () => {
    const drifted = { ...inLine, partitions: 3, config: { ...inLine.config, 'retention.ms': '604800000' } };

    expect(planTopicChanges([declared], new Map([[declared.name, drifted]]))).toEqual([
      { kind: 'add-partitions', topic: declared, from: 3 },
      { kind: 'alter-config', topic: declared, differences: ['retention.ms 604800000 -> -1'] },
    ]);
  });

  it('refuses to shrink partitions, which Kafka cannot do', () => {
    const plan = () => planTopicChanges([declared], new Map([[declared.name, { ...inLine, partitions: 12 }]]));
    expect(plan).toThrow(InfraError);
    expect(plan).toThrow(/payments.payment-completed has 12 partitions but declares 6/);
  });

  it('refuses to change the replication factor in place', () => {
    const plan = () => planTopicChanges([declared], new Map([[declared.name, { ...inLine, replicationFactor: 3 }]]));
    expect(plan).toThrow(/replication factor 3 but declares 1/);
  });
});

/** Kafka's default max.message.bytes, which the event topics keep. */
const EVENT_TOPIC_LIMIT = 1_048_588;

describe('infra/topics.yaml', () => {
  it('declares exactly the topics the services are declared to need: every event topic, and each consuming service\'s failure topics', () => {
    const declared = loadTopicDeclarations().map((topic) => topic.name);
    const needed = [
      ...new Set(loadEventCatalogue().events.map((event) => event.topic)),
      ...CONSUMING_SERVICES.flatMap((service) => {
        const { retries, deadLetter } = failureTopics(service);
        return [...retries, deadLetter];
      }),
    ];

    expect([...declared].sort()).toEqual([...needed].sort());
  });

  it('declares every consuming service\'s failure topics, with room beyond an event topic\'s limit for the failure headers', () => {
    const declared = new Map(loadTopicDeclarations().map((topic) => [topic.name, topic]));
    for (const service of CONSUMING_SERVICES) {
      const { retries, deadLetter } = failureTopics(service);
      for (const name of [...retries, deadLetter]) {
        expect(declared.get(name)?.maxMessageBytes).toBeGreaterThanOrEqual(EVENT_TOPIC_LIMIT + 64 * 1024);
      }
    }
  });
});
