import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { databaseUrlVariable, DEFAULT_HTTP_PORTS, loadPlatformConfig, loadWorkQueueSettings, PROCESS_NAMES, SERVICE_NAMES } from '@ensemble/config';
import { VERSIONS } from '../src/versions';

const root = join(__dirname, '..', '..');

interface ComposeService {
  image?: string;
  command?: string[];
  environment?: Record<string, string | number>;
  depends_on?: Record<string, { condition: string }>;
  ports?: string[];
  network_mode?: string;
  volumes?: string[];
  healthcheck?: { test: string[] };
}

const compose = parse(readFileSync(join(root, 'docker-compose.yml'), 'utf8'), { merge: true }) as {
  services: Record<string, ComposeService>;
};
const services = compose.services;

describe('docker-compose.yml', () => {
  it('runs Kafka in KRaft mode at the version the local scripts run', () => {
    expect(services.kafka.image).toBe(`apache/kafka:${VERSIONS.kafka}`);
    expect(services.kafka.environment?.KAFKA_PROCESS_ROLES).toBe('broker,controller');
  });

  it('applies infra/topics.yaml with the same command as the local scripts', () => {
    expect(services['kafka-topics'].command).toEqual(['npx', 'tsx', 'infra/cli.ts', 'topics']);
  });

  it('runs a Confluent Schema Registry with BACKWARD compatibility by default', () => {
    expect(services['schema-registry'].image).toMatch(/^confluentinc\/cp-schema-registry:/);
    expect(services['schema-registry'].environment?.SCHEMA_REGISTRY_SCHEMA_COMPATIBILITY_LEVEL).toBe('backward');
  });

  it('runs Zipkin at the version the local scripts run', () => {
    expect(services.zipkin.image).toBe(`openzipkin/zipkin:${VERSIONS.zipkin}`);
  });

  it('runs MailDev at the version npm start runs from node_modules, on its default ports', () => {
    const { version } = JSON.parse(readFileSync(join(root, 'node_modules', 'maildev', 'package.json'), 'utf8')) as { version: string };
    expect(services.maildev.image).toBe(`maildev/maildev:${version}`);
    expect(services.maildev.ports).toEqual(['1025:1025', '1080:1080']);
  });

  it('runs RabbitMQ 3.10, whose quorum queues take the delay queues’ TTL and at-least-once dead-lettering, with a user of its own and a health check', () => {
    expect(services.rabbitmq.image).toMatch(/^rabbitmq:3\.10(\.\d+)?-management$/);
    expect(services.rabbitmq.environment).toMatchObject({ RABBITMQ_DEFAULT_USER: 'ensemble', RABBITMQ_DEFAULT_PASS: 'ensemble' });
    expect(services.rabbitmq.volumes).toContain('rabbitmq-data:/var/lib/rabbitmq');
    expect(services.rabbitmq.ports).toContain('5672:5672');
    expect(services.rabbitmq.healthcheck?.test).toEqual(['CMD', 'rabbitmq-diagnostics', '-q', 'check_port_connectivity']);
  });

  it.each([...PROCESS_NAMES, 'kafka-topics'])('gives %s the work queue’s broker, with the user RabbitMQ is given', (name) => {
    const environment = Object.fromEntries(Object.entries(services[name].environment ?? {}).map(([variable, value]) => [variable, String(value)]));
    const url = new URL(loadWorkQueueSettings(environment).url);
    expect(url.host).toBe('rabbitmq:5672');
    expect([url.username, url.password]).toEqual([services.rabbitmq.environment?.RABBITMQ_DEFAULT_USER, services.rabbitmq.environment?.RABBITMQ_DEFAULT_PASS]);
  });

  it('creates one PostgreSQL database per service', () => {
    const sql = readFileSync(join(root, 'infra', 'docker', 'create-databases.sql'), 'utf8');
    const created = [...sql.matchAll(/CREATE DATABASE (\w+);/g)].map((match) => match[1]);
    expect(created.sort()).toEqual([...SERVICE_NAMES].sort());
  });

  describe.each(SERVICE_NAMES)('the %s service', (service) => {
    const definition = services[service];
    const environment = Object.fromEntries(
      Object.entries(definition?.environment ?? {}).map(([name, value]) => [name, String(value)]),
    );

    it('gets valid endpoints under the variable names the apps read', () => {
      expect(Object.keys(environment)).toEqual(
        expect.arrayContaining(['KAFKA_BROKERS', 'SCHEMA_REGISTRY_URL', databaseUrlVariable(service), 'HTTP_PORT']),
      );
      const config = loadPlatformConfig(environment);
      expect(config.kafka.brokers.map((broker) => broker.split(':')[0])).toEqual(['kafka']);
      expect(new URL(config.schemaRegistry.url).hostname).toBe('schema-registry');
      expect(new URL(config.databases[service]).pathname).toBe(`/${service}`);
      expect(new URL(config.tracing.zipkinEndpoint).host).toBe('zipkin:9411');
      expect(environment.HTTP_PORT).toBe(String(DEFAULT_HTTP_PORTS[service]));
    });

    it('sends mail to the MailDev container and links to its web UI where the host publishes it', () => {
      expect(Object.keys(environment)).toEqual(expect.arrayContaining(['SMTP_URL', 'MAIL_WEB_URL']));
      expect(loadPlatformConfig(environment).mail).toMatchObject({ smtpUrl: 'smtp://maildev:1025', webUrl: 'http://127.0.0.1:1080' });
    });

    it('starts after the topics are applied and the registry and database are healthy', () => {
      expect(definition.depends_on).toEqual({
        'kafka-topics': { condition: 'service_completed_successfully' },
        'schema-registry': { condition: 'service_healthy' },
        postgres: { condition: 'service_healthy' },
      });
      expect(definition.command).toEqual(['node', `dist/apps/${service}/src/main.js`]);
    });
  });

  it('runs Prometheus with infra/prometheus/prometheus.yml on the host\'s network, where every process publishes its port', () => {
    expect(services.prometheus.image).toMatch(/^prom\/prometheus:/);
    expect(services.prometheus.network_mode).toBe('host');
    expect(services.prometheus.volumes).toContain('./infra/prometheus/prometheus.yml:/etc/prometheus/prometheus.yml:ro');
    // The file's targets are 127.0.0.1:<default port> (prometheus.spec.ts): each container publishes its port there.
    expect(Object.fromEntries(PROCESS_NAMES.map((process) => [process, services[process].ports]))).toEqual(
      Object.fromEntries(PROCESS_NAMES.map((process) => [process, [`${DEFAULT_HTTP_PORTS[process]}:${DEFAULT_HTTP_PORTS[process]}`]])),
    );
  });

  describe('the console', () => {
    const definition = services.console;
    const environment = Object.fromEntries(
      Object.entries(definition?.environment ?? {}).map(([name, value]) => [name, String(value)]),
    );

    it('reaches Kafka, the registry and every service under the variable names it reads, and gets no database', () => {
      const config = loadPlatformConfig(environment);
      expect(config.kafka.brokers.map((broker) => broker.split(':')[0])).toEqual(['kafka']);
      expect(new URL(config.schemaRegistry.url).hostname).toBe('schema-registry');
      expect(new URL(config.tracing.zipkinEndpoint).host).toBe('zipkin:9411');
      expect(SERVICE_NAMES.map((service) => new URL(config.serviceUrls[service]).host)).toEqual(SERVICE_NAMES.map((service) => `${service}:${DEFAULT_HTTP_PORTS[service]}`));
      expect(config.mail).toMatchObject({ smtpUrl: 'smtp://maildev:1025', webUrl: 'http://127.0.0.1:1080' });
      expect(Object.keys(environment).filter((name) => name.endsWith('_DATABASE_URL'))).toEqual([]);
      expect(environment.HTTP_PORT).toBe(String(DEFAULT_HTTP_PORTS.console));
      expect(definition.command).toEqual(['node', 'dist/apps/console/src/main.js']);
    });
  });
});
