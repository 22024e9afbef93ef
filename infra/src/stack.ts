import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { logLevel } from 'kafkajs';
import { PlatformConfig } from '@ensemble/config';
import { loadTopicDeclarations, TOPICS_FILE } from '@ensemble/contract';
import { createKafka } from '@ensemble/kafka/create-kafka';
import { runningPid } from '@ensemble/process';
import { InfraError } from './infra-error';
import { InfraConfig } from './infra-config';
import { kafkaNodes, kafkaServers } from './kafka-broker';
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
  /** One server per KRaft node of the profile. */
  readonly kafka: LocalServer[];
  readonly schemaRegistry: LocalServer;
  readonly zipkin: LocalServer;
  readonly maildev: MailDevServer;

  /** `rabbitMq`: the machine's RabbitMQ unless told otherwise (the test stack runs a node of its own). */
  constructor(
    private readonly config: InfraConfig,
    readonly rabbitMq: RabbitMqBroker = new LocalRabbitMq(config),
  ) {
    this.postgres = new LocalPostgres(config);
    this.kafka = kafkaServers(config);
    this.schemaRegistry = schemaRegistry(config);
    this.zipkin = zipkin(config);
    this.maildev = maildev(config);
  }

  /** The servers infra:up runs as processes of its own. */
  get servers(): LocalServer[] {
    return [...this.kafka, this.schemaRegistry, this.zipkin, this.maildev];
  }

  /** Brings up whatever is not answering yet; a second run changes nothing. */
  async up(progress: Progress): Promise<UpReport> {
    const postgres = await this.postgres.ensureRunning(progress);
    const databasesCreated = await this.postgres.ensureDatabases(progress);
    // JVMs, MailDev and an Erlang node that take seconds to start; they do not depend on each other.
    // A cluster's nodes start together: none answers before a majority of the controller quorum is up.
    const [kafka, schemaRegistry, zipkin, maildev, rabbitMq] = await Promise.all([
      Promise.all(this.kafka.map((node) => ensureRunning(node, progress))).then(oneOutcome),
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

  /**
   * The controller quorum as each local node last recorded it (its quorum-state file: the leader
   * and epoch it knows), and every partition with fewer replicas in sync than it has, or no leader.
   */
  async kafkaStatus(): Promise<{ quorum: string; underReplicated: string[] }> {
    const nodes = kafkaNodes(this.config);
    const answering = await Promise.all(this.kafka.map((server) => server.isAnswering()));
    const states = this.kafka.map((server) => readQuorumState(join(this.config.dataDir, server.name)));
    const known = states.filter((state) => state !== undefined).sort((a, b) => b.leaderEpoch - a.leaderEpoch)[0];
    const majority = Math.floor(nodes.length / 2) + 1;
    const up = answering.filter(Boolean).length;
    const quorum =
      `${up} of ${nodes.length} node(s) answering, ${up >= majority ? 'a majority' : `NO majority (${majority} needed): no leader can be elected and nothing can be written`}; ` +
      (known && known.leaderId >= 0 ? `leader node ${known.leaderId}, epoch ${known.leaderEpoch}` : 'no leader recorded yet');
    if (up === 0) return { quorum, underReplicated: [] };
    return { quorum, underReplicated: await underReplicatedPartitions(this.config.platform) };
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

/** A KRaft node's record of its quorum (`__cluster_metadata-0/quorum-state`), undefined before it has one. */
function readQuorumState(dataDir: string): { leaderId: number; leaderEpoch: number } | undefined {
  try {
    const { leaderId, leaderEpoch } = JSON.parse(readFileSync(join(dataDir, '__cluster_metadata-0', 'quorum-state'), 'utf8')) as { leaderId: number; leaderEpoch: number };
    return { leaderId, leaderEpoch };
  } catch {
    return undefined;
  }
}

/** `topic/partition: in sync [ids] of [ids]` for every partition, Kafka's internal ones included, not fully in sync or without a leader. */
export async function underReplicatedPartitions(config: PlatformConfig): Promise<string[]> {
  const admin = createKafka(config, 'ensemble-infra', { logLevel: logLevel.NOTHING, retry: { retries: 1 } }).admin();
  await admin.connect();
  try {
    const { topics } = await admin.fetchTopicMetadata({ topics: await admin.listTopics() });
    return topics.flatMap((topic) =>
      topic.partitions
        .filter((partition) => partition.leader < 0 || partition.isr.length < partition.replicas.length)
        .map((partition) => `${topic.name}/${partition.partitionId}: ${partition.leader < 0 ? 'no leader; ' : ''}in sync [${partition.isr.join(',')}] of [${partition.replicas.join(',')}]`),
    );
  } finally {
    await admin.disconnect();
  }
}

/** Started when any of them was. */
function oneOutcome(outcomes: EnsureOutcome[]): EnsureOutcome {
  return outcomes.includes('started') ? 'started' : 'already running';
}

/** Applies infra/topics.yaml, under the configured profile, to the cluster and reports each change. */
export async function applyDeclaredTopics(config: PlatformConfig, progress: Progress): Promise<TopicChange[]> {
  const declared = loadTopicDeclarations(config.kafka.profile);
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
