import { ConfigurationError } from './configuration-error';
import { loadPlatformConfig } from './platform-config';

describe('loadPlatformConfig', () => {
  it('points at the local infrastructure when nothing is set', () => {
    const config = loadPlatformConfig({});

    expect(config.kafka.brokers).toEqual(['127.0.0.1:9092']);
    expect(config.schemaRegistry.url).toBe('http://127.0.0.1:8081/apis/ccompat/v7');
    expect(config.databases.payments).toBe('postgres://postgres@127.0.0.1:5432/payments');
    expect(config.databases.dashboards).toBe('postgres://postgres@127.0.0.1:5432/dashboards');
  });

  it('takes each endpoint from its variable', () => {
    const config = loadPlatformConfig({
      KAFKA_BROKERS: 'kafka-1:9092, kafka-2:9092',
      SCHEMA_REGISTRY_URL: 'https://registry.example:8081/',
      SHIPPING_DATABASE_URL: 'postgresql://ship:secret@db:5433/shipping_prod',
    });

    expect(config.kafka.brokers).toEqual(['kafka-1:9092', 'kafka-2:9092']);
    expect(config.schemaRegistry.url).toBe('https://registry.example:8081');
    expect(config.databases.shipping).toBe('postgresql://ship:secret@db:5433/shipping_prod');
  });

  it('traces every new trace to the local Zipkin unless told otherwise', () => {
    expect(loadPlatformConfig({}).tracing).toEqual({ enabled: true, zipkinEndpoint: 'http://127.0.0.1:9411/api/v2/spans', sampleRatio: 1 });
    expect(loadPlatformConfig({ OTEL_SDK_DISABLED: 'true', OTEL_TRACES_SAMPLER_ARG: '0.25' }).tracing).toMatchObject({ enabled: false, sampleRatio: 0.25 });
    expect(() => loadPlatformConfig({ OTEL_SDK_DISABLED: 'yes', OTEL_TRACES_SAMPLER_ARG: '2' })).toThrow(
      /OTEL_SDK_DISABLED: expected true or false, got "yes"[\s\S]*OTEL_TRACES_SAMPLER_ARG: .*got "2"/,
    );
  });

  it('treats an empty variable as unset', () => {
    expect(loadPlatformConfig({ KAFKA_BROKERS: '  ' }).kafka.brokers).toEqual(['127.0.0.1:9092']);
  });

  it('names every bad variable and the value it got', () => {
    const load = () =>
      loadPlatformConfig({
        KAFKA_BROKERS: 'localhost',
        SCHEMA_REGISTRY_URL: 'registry:8081',
        CRM_DATABASE_URL: 'mysql://root@db/crm',
      });

    expect(load).toThrow(ConfigurationError);
    expect(load).toThrow(/KAFKA_BROKERS: expected host:port, got "localhost"/);
    expect(load).toThrow(/SCHEMA_REGISTRY_URL: expected an http:\/\/ or https:\/\/ URL, got "registry:8081"/);
    expect(load).toThrow(/CRM_DATABASE_URL: expected postgres:\/\/user@host:port\/database, got "mysql:\/\/root@db\/crm"/);
  });
});

describe('loadPlatformConfig, with every library\'s settings', () => {
  it('takes each library\'s defaults when nothing is set', () => {
    const config = loadPlatformConfig({});

    expect(config.consumer).toMatchObject({ batchSize: 1_000, attempts: 3, retryDelaysMs: [1_000, 10_000, 60_000] });
    expect(config.outbox).toEqual({ relay: true, batchSize: undefined, pollIntervalMs: undefined, retentionMs: undefined });
    expect(config.database).toEqual({ poolSize: 10, lockTimeoutMs: 5_000 });
    expect(config.http).toEqual({ host: '127.0.0.1', port: undefined, requestTimeoutMs: 10_000, adminToken: undefined });
    expect(config.serviceUrls).toMatchObject({ payments: 'http://127.0.0.1:3000', console: 'http://127.0.0.1:3005' });
    expect(config.logging).toEqual({ level: 'info' });
  });

  it('names the bad variables of several libraries in one message', () => {
    let thrown: unknown;
    try {
      loadPlatformConfig({
        KAFKA_BROKERS: 'localhost',
        OUTBOX_BATCH_SIZE: 'many',
        CONSUMER_RETRY_DELAYS_MS: '1000,2000,3000,4000',
        HTTP_PORT: '70000',
        DATABASE_POOL_SIZE: '0',
        ADMIN_TOKEN: 'short',
        CRM_URL: 'crm:3002',
        LOG_LEVEL: 'loud',
      });
    } catch (error) {
      thrown = error;
    }

    expect(thrown).toBeInstanceOf(ConfigurationError);
    expect((thrown as ConfigurationError).problems.map((problem) => problem.variable).sort()).toEqual(
      ['ADMIN_TOKEN', 'CONSUMER_RETRY_DELAYS_MS', 'CRM_URL', 'DATABASE_POOL_SIZE', 'HTTP_PORT', 'KAFKA_BROKERS', 'LOG_LEVEL', 'OUTBOX_BATCH_SIZE'],
    );
    expect((thrown as Error).message).toMatch(/OUTBOX_BATCH_SIZE: .*got "many"/);
    expect((thrown as Error).message).toMatch(/CONSUMER_RETRY_DELAYS_MS: at most 3 delays, one per retry topic, got "1000,2000,3000,4000"/);
    expect((thrown as Error).message).toMatch(/HTTP_PORT: .*got "70000"/);
    expect((thrown as Error).message).toMatch(/CRM_URL: expected an http:\/\/ or https:\/\/ URL, got "crm:3002"/);
    expect((thrown as Error).message).toMatch(/LOG_LEVEL: .*"info".*got "loud"/);
  });
});
