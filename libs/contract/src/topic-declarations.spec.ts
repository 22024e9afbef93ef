import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadReplication, loadTopicDeclarations, TopicDeclarationsError } from './topic-declarations';

const PROFILES = 'profiles:\n  single: { brokers: 1, replicationFactor: 1, minInsyncReplicas: 1 }\n  cluster: { brokers: 3, replicationFactor: 3, minInsyncReplicas: 2 }\n';
const ENTRY = '  - name: payments.payment-completed\n    partitions: 6\n    retentionMs: -1\n    cleanupPolicy: delete\n';

function declarationsFile(text: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'topics-')), 'topics.yaml');
  writeFileSync(file, text);
  return file;
}

describe('loadTopicDeclarations', () => {
  it("gives every topic its profile's replication", () => {
    const file = declarationsFile(`${PROFILES}topics:\n${ENTRY}`);
    expect(loadTopicDeclarations('single', file)).toEqual([
      { name: 'payments.payment-completed', partitions: 6, retentionMs: -1, cleanupPolicy: 'delete', replicationFactor: 1, minInsyncReplicas: 1 },
    ]);
    expect(loadTopicDeclarations('cluster', file)).toEqual([expect.objectContaining({ replicationFactor: 3, minInsyncReplicas: 2 })]);
    expect(loadReplication('cluster', file)).toEqual({ brokers: 3, replicationFactor: 3, minInsyncReplicas: 2 });
  });

  it('the file in the repository declares both profiles, the cluster keeping three copies and refusing a write to one', () => {
    expect(loadReplication('single')).toEqual({ brokers: 1, replicationFactor: 1, minInsyncReplicas: 1 });
    expect(loadReplication('cluster')).toEqual({ brokers: 3, replicationFactor: 3, minInsyncReplicas: 2 });
  });

  it('names the topic entry and field that is wrong', () => {
    const file = declarationsFile(`${PROFILES}topics:\n${ENTRY.replace('partitions: 6', 'partitions: 0')}`);
    expect(() => loadTopicDeclarations('single', file)).toThrow(TopicDeclarationsError);
    expect(() => loadTopicDeclarations('single', file)).toThrow(/topics\.0\.partitions: Too small/);
  });

  it('rejects a replication set per topic: the profile sets it for all', () => {
    const file = declarationsFile(`${PROFILES}topics:\n${ENTRY}    replicationFactor: 1\n`);
    expect(() => loadTopicDeclarations('single', file)).toThrow(/topics\.0: Unrecognized key: "replicationFactor"/);
  });

  it('rejects a profile that asks for more copies than brokers, or more in sync than copies, and a missing profile', () => {
    const more = declarationsFile(`${PROFILES.replace('cluster: { brokers: 3', 'cluster: { brokers: 2')}topics:\n${ENTRY}`);
    expect(() => loadTopicDeclarations('single', more)).toThrow(/profiles\.cluster: replicationFactor cannot exceed brokers/);
    const insync = declarationsFile(`${PROFILES.replace('minInsyncReplicas: 2', 'minInsyncReplicas: 4')}topics:\n${ENTRY}`);
    expect(() => loadTopicDeclarations('single', insync)).toThrow(/profiles\.cluster: minInsyncReplicas cannot exceed replicationFactor/);
    const missing = declarationsFile(`profiles:\n  single: { brokers: 1, replicationFactor: 1, minInsyncReplicas: 1 }\ntopics:\n${ENTRY}`);
    expect(() => loadTopicDeclarations('single', missing)).toThrow(/profiles\.cluster/);
  });

  it('rejects names that do not follow <service>.<event-in-kebab-case>', () => {
    const file = declarationsFile(`${PROFILES}topics:\n${ENTRY.replace('payments.payment-completed', 'PaymentCompleted')}`);
    expect(() => loadTopicDeclarations('single', file)).toThrow(/topics\.0\.name: expected <service>\.<event-in-kebab-case>/);
  });

  it('rejects a topic declared twice', () => {
    expect(() => loadTopicDeclarations('single', declarationsFile(`${PROFILES}topics:\n${ENTRY}${ENTRY}`))).toThrow(/more than once/);
  });
});
