import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadTopicDeclarations, TopicDeclarationsError } from './topic-declarations';

function declarationsFile(text: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'topics-')), 'topics.yaml');
  writeFileSync(file, text);
  return file;
}

describe('loadTopicDeclarations', () => {
  it('names the topic entry and field that is wrong', () => {
    const file = declarationsFile(
      'topics:\n  - name: payments.payment-completed\n    partitions: 0\n    replicationFactor: 1\n    retentionMs: -1\n    cleanupPolicy: delete\n    minInsyncReplicas: 1\n',
    );
    expect(() => loadTopicDeclarations(file)).toThrow(TopicDeclarationsError);
    expect(() => loadTopicDeclarations(file)).toThrow(/topics\.0\.partitions: Too small/);
  });

  it('rejects names that do not follow <service>.<event-in-kebab-case>', () => {
    const file = declarationsFile(
      'topics:\n  - name: PaymentCompleted\n    partitions: 1\n    replicationFactor: 1\n    retentionMs: -1\n    cleanupPolicy: delete\n    minInsyncReplicas: 1\n',
    );
    expect(() => loadTopicDeclarations(file)).toThrow(/topics\.0\.name: expected <service>\.<event-in-kebab-case>/);
  });

  it('rejects a topic declared twice', () => {
    const entry =
      '  - name: payments.payment-completed\n    partitions: 1\n    replicationFactor: 1\n    retentionMs: -1\n    cleanupPolicy: delete\n    minInsyncReplicas: 1\n';
    expect(() => loadTopicDeclarations(declarationsFile(`topics:\n${entry}${entry}`))).toThrow(/more than once/);
  });
});
