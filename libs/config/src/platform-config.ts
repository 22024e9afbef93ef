import { z } from 'zod';
import { ConsumerSettings, loadConsumerSettings } from './consumer-settings';
import { DatabaseSettings, loadDatabaseSettings } from './database-settings';
import { brokerList, httpUrl, parseEnvironment, parseSections, postgresUrl } from './environment';
import { HttpSettings, loadHttpSettings } from './http-settings';
import { loadLoggingSettings, LoggingSettings } from './logging-settings';
import { loadMailSettings, MailSettings } from './mail-settings';
import { loadOutboxSettings, OutboxSettings } from './outbox-settings';
import { loadServiceUrls } from './service-urls';
import { loadTracingSettings, TracingSettings } from './tracing-settings';
import { loadWorkQueueSettings, WorkQueueSettings } from './work-queue-settings';
import { databaseUrlVariable, ProcessName, SERVICE_NAMES, ServiceName } from './services';

/** Where the shared infrastructure is: what every service and tool of Ensemble connects to. */
export interface PlatformEndpoints {
  /** `profile`: the local layout these defaults come from, and how many copies of each partition infra/topics.yaml asks for. */
  kafka: { brokers: string[]; profile: KafkaProfile };
  /** Confluent-compatible base URL: Apicurio's ccompat API here, a Confluent Schema Registry elsewhere. */
  schemaRegistry: { url: string };
  databases: Record<ServiceName, string>;
}

/** Everything Ensemble reads from the environment: the endpoints, and each library's settings. */
export interface PlatformConfig extends PlatformEndpoints {
  /** Where each process answers HTTP (`<SERVICE>_URL`), for the console and the commands that call the services. */
  serviceUrls: Record<ProcessName, string>;
  database: DatabaseSettings;
  http: HttpSettings;
  consumer: ConsumerSettings;
  outbox: OutboxSettings;
  logging: LoggingSettings;
  tracing: TracingSettings;
  workQueue: WorkQueueSettings;
  mail: MailSettings;
}

export const LOCAL_DEFAULTS = {
  SCHEMA_REGISTRY_URL: 'http://127.0.0.1:8081/apis/ccompat/v7',
  postgresServer: 'postgres://postgres@127.0.0.1:5432',
} as const;

/**
 * The two local layouts of Kafka (`ENSEMBLE_BROKERS`, or `--brokers` of infra:up and npm start): one
 * broker, or a cluster of three. Each has its own log, so each has its own databases too: a
 * service's state is folded from one log, and a replay must find the records it came from.
 */
export const KAFKA_PROFILES = {
  single: { brokers: ['127.0.0.1:9092'], databaseOf: (service: ServiceName) => service },
  cluster: { brokers: ['127.0.0.1:9192', '127.0.0.1:9292', '127.0.0.1:9392'], databaseOf: (service: ServiceName) => `${service}_cluster` },
} as const;

export type KafkaProfile = keyof typeof KAFKA_PROFILES;

const profileShape = {
  ENSEMBLE_BROKERS: z.enum(['1', '3'], 'expected 1 (one broker) or 3 (a cluster of three)').default('1'),
};

function platformShape(profile: KafkaProfile) {
  const local = KAFKA_PROFILES[profile];
  return {
    KAFKA_BROKERS: brokerList.default([...local.brokers]),
    SCHEMA_REGISTRY_URL: httpUrl.default(LOCAL_DEFAULTS.SCHEMA_REGISTRY_URL),
    ...Object.fromEntries(
      SERVICE_NAMES.map((service) => [databaseUrlVariable(service), postgresUrl.default(`${LOCAL_DEFAULTS.postgresServer}/${local.databaseOf(service)}`)]),
    ),
  };
}

/**
 * Parses the whole environment at once, when a process starts: a {@link ConfigurationError} names
 * every bad variable, of every library, in one message.
 */
export function loadPlatformConfig(env: Record<string, string | undefined> = process.env): PlatformConfig {
  const { endpoints, ...settings } = parseSections({
    endpoints: () => loadEndpoints(env),
    database: () => loadDatabaseSettings(env),
    http: () => loadHttpSettings(env),
    consumer: () => loadConsumerSettings(env),
    outbox: () => loadOutboxSettings(env),
    logging: () => loadLoggingSettings(env),
    serviceUrls: () => loadServiceUrls(env),
    tracing: () => loadTracingSettings(env),
    workQueue: () => loadWorkQueueSettings(env),
    mail: () => loadMailSettings(env),
  });
  return { ...endpoints, ...settings };
}

function loadEndpoints(env: Record<string, string | undefined>): PlatformEndpoints {
  const profile: KafkaProfile = parseEnvironment(profileShape, env).ENSEMBLE_BROKERS === '3' ? 'cluster' : 'single';
  const parsed = parseEnvironment(platformShape(profile), env) as Record<string, unknown>;
  return {
    kafka: { brokers: parsed.KAFKA_BROKERS as string[], profile },
    schemaRegistry: { url: parsed.SCHEMA_REGISTRY_URL as string },
    databases: Object.fromEntries(
      SERVICE_NAMES.map((service) => [service, parsed[databaseUrlVariable(service)] as string]),
    ) as Record<ServiceName, string>,
  };
}
