import { join } from 'node:path';
import { ConfigurationError } from '@ensemble/config';
import { loadInfraConfig, REPOSITORY_ROOT } from './infra-config';

describe('loadInfraConfig', () => {
  it('points at the local servers and this checkout when nothing is set', () => {
    const config = loadInfraConfig({ XDG_CACHE_HOME: '/cache', XDG_DATA_HOME: '/data' });

    expect(config.platform.kafka.brokers).toEqual(['127.0.0.1:9092']);
    expect(config.schemaRegistryDatabaseUrl).toBe('postgres://postgres@127.0.0.1:5432/schema_registry');
    expect(config.platform.kafka.profile).toBe('single');
    expect(config.platform.databases.crm).toBe('postgres://postgres@127.0.0.1:5432/crm');
    expect(config.cacheDir).toBe('/cache/ensemble');
    expect(config.dataDir).toBe('/data/ensemble');
    expect(config.runDir).toBe(join(REPOSITORY_ROOT, '.ensemble'));
  });

  it('points at the local cluster of three and databases of its own with ENSEMBLE_BROKERS=3', () => {
    const config = loadInfraConfig({ ENSEMBLE_BROKERS: '3' });

    expect(config.platform.kafka).toEqual({ profile: 'cluster', brokers: ['127.0.0.1:9192', '127.0.0.1:9292', '127.0.0.1:9392'] });
    expect(config.platform.databases.crm).toBe('postgres://postgres@127.0.0.1:5432/crm_cluster');
    expect(config.schemaRegistryDatabaseUrl).toBe('postgres://postgres@127.0.0.1:5432/schema_registry');
  });

  it("names every bad variable, the platform's and the local servers', in one error", () => {
    let error: unknown;
    try {
      loadInfraConfig({ KAFKA_BROKERS: 'localhost', CONSUMER_BATCH_SIZE: '0', SCHEMA_REGISTRY_MANAGEMENT_PORT: 'ninety', SCHEMA_REGISTRY_DATABASE_URL: 'mysql://db/registry' });
    } catch (thrown) {
      error = thrown;
    }

    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as ConfigurationError).problems.map((problem) => problem.variable).sort()).toEqual([
      'CONSUMER_BATCH_SIZE',
      'KAFKA_BROKERS',
      'SCHEMA_REGISTRY_DATABASE_URL',
      'SCHEMA_REGISTRY_MANAGEMENT_PORT',
    ]);
  });
});
