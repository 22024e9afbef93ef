import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { logLevel } from 'kafkajs';
import { PlatformConfig } from '@ensemble/config';
import { loadReplication, Replication, TOPICS_FILE } from '@ensemble/contract';
import { createKafka } from '@ensemble/kafka/create-kafka';
import { cachedDirectory } from './cached-download';
import { InfraError } from './infra-error';
import { InfraConfig, REPOSITORY_ROOT } from './infra-config';
import { LocalServer, Progress } from './local-server';
import { dependencyPlugin, runMaven } from './maven';
import { VERSIONS } from './versions';

const NAME = 'kafka';

/** One KRaft node of the local Kafka: its id, where clients reach it, and its controller listener (the next port). */
export interface KafkaNode {
  id: number;
  listener: string;
  controllerPort: number;
}

/**
 * The KRaft nodes of the configured profile, one per address of KAFKA_BROKERS: a single broker, or
 * three nodes each acting as broker and controller (the quorum is all three, so it survives the
 * loss of any one). A node's controller listens on its broker's port + 1.
 */
export function kafkaNodes(config: InfraConfig): KafkaNode[] {
  const { brokers, profile } = config.platform.kafka;
  const { brokers: count } = loadReplication(profile);
  if (brokers.length !== count) {
    throw new InfraError(
      NAME,
      `KAFKA_BROKERS lists ${brokers.length} address(es), but the ${profile} profile runs ${count} broker(s) (${TOPICS_FILE}); ` +
        (count === 1 ? 'give one address, or set ENSEMBLE_BROKERS=3 for the cluster' : `give ${count} addresses`),
    );
  }
  return brokers.map((listener, index) => ({ id: index + 1, listener, controllerPort: Number(listener.slice(listener.lastIndexOf(':') + 1)) + 1 }));
}

/** The local Kafka, from its Maven jars: one server per KRaft node of the profile. */
export function kafkaServers(config: InfraConfig): LocalServer[] {
  const nodes = kafkaNodes(config);
  const replication = loadReplication(config.platform.kafka.profile);
  return nodes.map((node) => kafkaServer(config, node, nodes, replication));
}

function kafkaServer(config: InfraConfig, node: KafkaNode, nodes: KafkaNode[], replication: Replication): LocalServer {
  // The single broker keeps the name (and so the folders) it always had; a cluster's nodes are kafka-1..3.
  const name = nodes.length === 1 ? NAME : `${NAME}-${node.id}`;
  const home = join(config.runDir, name);
  const libs = join(config.cacheDir, `kafka-${VERSIONS.kafka}`, 'libs');
  const propertiesFile = join(home, 'server.properties');
  const dataDir = join(config.dataDir, name);
  const java = (mainClass: string, ...args: string[]) => [
    '-Xms256m',
    '-Xmx1g',
    '-XX:+UseG1GC',
    '-Djava.awt.headless=true',
    `-Dlog4j2.configurationFile=${join(REPOSITORY_ROOT, 'infra', 'kafka', 'log4j2.properties')}`,
    `-Densemble.component=${name}`,
    '-cp',
    `${libs}/*`,
    mainClass,
    ...args,
  ];

  return {
    name,
    endpoint: node.listener,
    startTimeoutMs: 90_000,
    process: {
      name,
      pidFile: join(home, 'kafka.pid'),
      logFile: join(home, 'kafka.log'),
      marker: `-Densemble.component=${name}`,
    },

    isAnswering: () => answersMetadata(config.platform, node.listener),

    async install(progress) {
      if (await fetchClasspath(config, 'pom.xml', `kafka-${VERSIONS.kafka}`, progress)) progress(name, 'jars fetched');
    },

    async prepareLaunch(progress) {
      for (const dir of [home, dataDir]) mkdirSync(dir, { recursive: true });
      writeFileSync(propertiesFile, serverProperties(node, nodes, dataDir, replication));
      if (!existsSync(join(dataDir, 'meta.properties'))) {
        progress(name, `formatting KRaft storage in ${dataDir}`);
        const format = spawnSync('java', java('kafka.tools.StorageTool', 'format', '-t', clusterId(config, nodes), '-c', propertiesFile), {
          encoding: 'utf8',
        });
        if (format.status !== 0) {
          throw new InfraError(name, `formatting storage failed:\n${format.stdout}${format.stderr}`);
        }
      }
      return { command: 'java', args: java('kafka.Kafka', propertiesFile), cwd: home };
    },
  };
}

/**
 * Copies the runtime classpath of infra/kafka/<pom> into <cache>/<folder>/libs, once: the broker's,
 * or that of Kafka's own tools for the benchmarks. True when it was fetched now.
 */
async function fetchClasspath(config: InfraConfig, pom: string, folder: string, progress: Progress): Promise<boolean> {
  return cachedDirectory(join(config.cacheDir, folder), async (scratch) => {
    progress(NAME, `fetching ${folder} jars with mvn into ${config.cacheDir} (first run only)`);
    await runMaven(
      NAME,
      [
        '-f',
        join(REPOSITORY_ROOT, 'infra', 'kafka', pom),
        dependencyPlugin('copy-dependencies'),
        `-Dkafka.version=${VERSIONS.kafka}`,
        `-Dlog4j.version=${VERSIONS.log4j}`,
        '-DincludeScope=runtime',
        `-DoutputDirectory=${join(scratch, 'libs')}`,
      ],
      join(config.runDir, NAME, `mvn-${folder}.log`),
      REPOSITORY_ROOT,
    );
  });
}

/** The classpath of Kafka's performance tools (fetched on first use), for `java -cp <it>/* org.apache.kafka.tools.ProducerPerformance`. */
export async function kafkaToolsClasspath(config: InfraConfig, progress: Progress): Promise<string> {
  const folder = `kafka-tools-${VERSIONS.kafka}`;
  await fetchClasspath(config, 'tools-pom.xml', folder, progress);
  return `${join(config.cacheDir, folder, 'libs')}/*`;
}

function serverProperties(node: KafkaNode, nodes: KafkaNode[], dataDir: string, replication: Replication): string {
  const host = (listener: string) => listener.slice(0, listener.lastIndexOf(':'));
  const { replicationFactor, minInsyncReplicas } = replication;
  return `# Written by infra:up; edit infra/src/kafka-broker.ts instead.
process.roles=broker,controller
node.id=${node.id}
controller.quorum.voters=${nodes.map((voter) => `${voter.id}@${host(voter.listener)}:${voter.controllerPort}`).join(',')}
listeners=PLAINTEXT://${node.listener},CONTROLLER://${host(node.listener)}:${node.controllerPort}
advertised.listeners=PLAINTEXT://${node.listener}
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
log.dirs=${dataDir}
# Topics are declared in infra/topics.yaml and created by infra:up or by the code that owns them.
auto.create.topics.enable=false
num.partitions=6
# Kafka's internal topics keep as many copies as the profile's topics (infra/topics.yaml).
default.replication.factor=${replicationFactor}
min.insync.replicas=${minInsyncReplicas}
offsets.topic.replication.factor=${replicationFactor}
transaction.state.log.replication.factor=${replicationFactor}
transaction.state.log.min.isr=${minInsyncReplicas}
share.coordinator.state.topic.replication.factor=${replicationFactor}
share.coordinator.state.topic.min.isr=${minInsyncReplicas}
# A replica that was out of sync never becomes leader: that would lose acknowledged writes.
unclean.leader.election.enable=false
# Tests and demos start consumer groups often; do not hold the first rebalance back.
group.initial.rebalance.delay.ms=0
`;
}

/**
 * The cluster's id, which every node's storage is formatted with: kept beside their data, so that a
 * node whose folder was lost joins its cluster again. 16 random bytes, base64url without padding
 * (what `kafka-storage random-uuid` prints).
 */
function clusterId(config: InfraConfig, nodes: KafkaNode[]): string {
  const file = join(config.dataDir, nodes.length === 1 ? `${NAME}.cluster-id` : `${NAME}-cluster.cluster-id`);
  if (!existsSync(file)) {
    mkdirSync(config.dataDir, { recursive: true });
    writeFileSync(file, randomBytes(16).toString('base64url'));
  }
  return readFileSync(file, 'utf8').trim();
}

/** Whether the node at `listener` itself answers a metadata request with the cluster's brokers. */
async function answersMetadata(config: PlatformConfig, listener: string): Promise<boolean> {
  const admin = createKafka({ ...config, kafka: { ...config.kafka, brokers: [listener] } }, 'ensemble-infra-probe', {
    logLevel: logLevel.NOTHING,
    connectionTimeout: 1_000,
    requestTimeout: 2_000,
    retry: { retries: 0 },
  }).admin();
  try {
    await admin.connect();
    const cluster = await admin.describeCluster();
    return cluster.brokers.length > 0;
  } catch {
    return false;
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}
