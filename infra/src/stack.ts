import { PlatformConfig } from '@ensemble/config';
import { loadTopicDeclarations, TOPICS_FILE } from '@ensemble/contract';
import { createKafka } from '@ensemble/kafka/create-kafka';
import { runningPid } from '@ensemble/process';
import { InfraError } from './infra-error';
import { InfraConfig } from './infra-config';
import { kafkaBroker } from './kafka-broker';
import { ensureRunning, EnsureOutcome, LocalServer, Progress, stopServer } from './local-server';
import { maildev, MailDevServer } from './maildev';
import { LocalPostgres } from './postgres';
import { LocalRabbitMq, RabbitMqBroker } from './rabbitmq';
import { ensureDefaultCompatibility, schemaRegistry } from './schema-registry';
import { applyTopics, TopicChange } from './topics';
import { zipkin } from './zipkin';

export interface UpReport {
  postgres: EnsureOutcome;
  kafka: EnsureOutcome;
  schemaRegistry: EnsureOutcome;
  zipkin: EnsureOutcome;
  maildev: EnsureOutcome;
  rabbitMq: EnsureOutcome;
  databasesCreated: string[];
  topicChanges: TopicChange[];
  compatibilitySet: boolean;
}

/** The local infrastructure, as `infra:up`, `infra:down` and `infra:status` see it. */
export class LocalStack {
  readonly postgres: LocalPostgres;
  readonly kafka: LocalServer;
  readonly schemaRegistry: LocalServer;
  readonly zipkin: LocalServer;
  readonly maildev: MailDevServer;

  /** `rabbitMq`: the machine's RabbitMQ unless told otherwise (the test stack runs a node of its own). */
  constructor(
    private readonly config: InfraConfig,
    readonly rabbitMq: RabbitMqBroker = new LocalRabbitMq(config),
  ) {
    this.postgres = new LocalPostgres(config);
    this.kafka = kafkaBroker(config);
    this.schemaRegistry = schemaRegistry(config);
    this.zipkin = zipkin(config);
    this.maildev = maildev(config);
  }

  /** The servers infra:up runs as processes of its own. */
  get servers(): LocalServer[] {
    return [this.kafka, this.schemaRegistry, this.zipkin, this.maildev];
  }

  /** Brings up whatever is not answering yet; a second run changes nothing. */
  async up(progress: Progress): Promise<UpReport> {
    const postgres = await this.postgres.ensureRunning(progress);
    const databasesCreated = await this.postgres.ensureDatabases(progress);
    // JVMs, MailDev and an Erlang node that take seconds to start; they do not depend on each other.
    const [kafka, schemaRegistry, zipkin, maildev, rabbitMq] = await Promise.all([
      ensureRunning(this.kafka, progress),
      ensureRunning(this.schemaRegistry, progress),
      ensureRunning(this.zipkin, progress),
      ensureRunning(this.maildev, progress),
      this.rabbitMq.ensureRunning(progress),
    ]);
    const topicChanges = await applyDeclaredTopics(this.config.platform, progress);
    const compatibilitySet = await ensureDefaultCompatibility(this.config.platform.schemaRegistry.url);
    if (compatibilitySet) progress('schema-registry', 'default compatibility set to BACKWARD');
    return { postgres, kafka, schemaRegistry, zipkin, maildev, rabbitMq, databasesCreated, topicChanges, compatibilitySet };
  }

  /** Stops only what infra:up started: our Kafka, registry, Zipkin and MailDev processes, and PostgreSQL and RabbitMQ if they were down before. */
  async down(progress: Progress): Promise<void> {
    const servers = this.servers;
    const stopped = await Promise.all(servers.map((server) => stopServer(server)));
    servers.forEach((server, index) => progress(server.name, stopped[index] ? 'stopped' : 'was not running (not ours to stop)'));
    if (this.postgres.stopIfStartedByUs()) progress('postgres', 'stopped (infra:up had started it)');
    if (await this.rabbitMq.stopIfStartedByUs()) progress('rabbitmq', 'stopped (infra:up had started it)');
  }

  async status(): Promise<Array<{ component: string; endpoint: string; answering: boolean; ourPid?: number; log?: string }>> {
    const servers = this.servers;
    return [
      {
        component: 'postgres',
        endpoint: new URL(this.config.schemaRegistryDatabaseUrl).host,
        answering: await this.postgres.isAnswering(),
      },
      { component: 'rabbitmq', endpoint: this.rabbitMq.endpoint, answering: await this.rabbitMq.isAnswering() },
      ...(await Promise.all(
        servers.map(async (server) => ({
          component: server.name,
          endpoint: server.endpoint,
          answering: await server.isAnswering(),
          ourPid: runningPid(server.process),
          log: server.process.logFile,
        })),
      )),
    ];
  }
}

/** Applies infra/topics.yaml to the cluster and reports each change. */
export async function applyDeclaredTopics(config: PlatformConfig, progress: Progress): Promise<TopicChange[]> {
  const declared = loadTopicDeclarations();
  const admin = createKafka(config, 'ensemble-infra').admin();
  await admin.connect();
  try {
    const changes = await applyTopics(admin, declared);
    for (const change of changes) progress('topics', `${change.topic.name}: ${describeChange(change)}`);
    return changes;
  } catch (error) {
    if (error instanceof InfraError) throw error;
    throw new InfraError('topics', `applying ${TOPICS_FILE} failed: ${(error as Error).message}`);
  } finally {
    await admin.disconnect();
  }
}

function describeChange(change: TopicChange): string {
  switch (change.kind) {
    case 'create':
      return `created with ${change.topic.partitions} partitions`;
    case 'add-partitions':
      return `partitions ${change.from} -> ${change.topic.partitions}`;
    case 'alter-config':
      return change.differences.join(', ');
  }
}
