import { loadInfraConfig } from '../src/infra-config';
import { LocalStack } from '../src/stack';

describe('infra:up', () => {
  it('is a no-op when everything is already up', async () => {
    const messages: string[] = [];
    const report = await new LocalStack(loadInfraConfig()).up((component, message) =>
      messages.push(`${component}: ${message}`),
    );

    expect(report).toEqual({
      postgres: 'already running',
      kafka: 'already running',
      schemaRegistry: 'already running',
      zipkin: 'already running',
      maildev: 'already running',
      rabbitMq: 'already running',
      databasesCreated: [],
      topicChanges: [],
      compatibilitySet: false,
    });
    expect(messages).toEqual([]);
  });
});
