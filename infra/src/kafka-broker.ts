import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { logLevel } from 'kafkajs';
import { PlatformConfig } from '@ensemble/config';
import { createKafka } from '@ensemble/kafka/create-kafka';
import { cachedDirectory } from './cached-download';
import { InfraError } from './infra-error';
import { InfraConfig, REPOSITORY_ROOT } from './infra-config';
import { LocalServer, Progress } from './local-server';
import { dependencyPlugin, runMaven } from './maven';
import { VERSIONS } from './versions';

const NAME = 'kafka';

/** Apache Kafka in KRaft mode, one process acting as both broker and controller, run from its Maven jars. */
export function kafkaBroker(config: InfraConfig): LocalServer {
  const [listener] = config.platform.kafka.brokers;
  const home = join(config.runDir, NAME);
  const libs = join(config.cacheDir, `kafka-${VERSIONS.kafka}`, 'libs');
  const propertiesFile = join(home, 'server.properties');
  const dataDir = join(config.dataDir, NAME);
  const java = (mainClass: string, ...args: string[]) => [
    '-Xms256m',
    '-Xmx1g',
    '-XX:+UseG1GC',
    '-Djava.awt.headless=true',
    `-Dlog4j2.configurationFile=${join(REPOSITORY_ROOT, 'infra', 'kafka', 'log4j2.properties')}`,
    `-Densemble.component=${NAME}`,
    '-cp',
    `${libs}/*`,
    mainClass,
    ...args,
  ];

  return {
    name: NAME,
    endpoint: listener,
    startTimeoutMs: 90_000,
    process: {
      name: NAME,
      pidFile: join(home, 'kafka.pid'),
      logFile: join(home, 'kafka.log'),
      marker: `-Densemble.component=${NAME}`,
    },

    isAnswering: () => answersMetadata(config.platform),

    async install(progress) {
      if (await fetchClasspath(config, 'pom.xml', `kafka-${VERSIONS.kafka}`, progress)) progress(NAME, 'jars fetched');
    },

    async prepareLaunch(progress) {
      for (const dir of [home, dataDir]) mkdirSync(dir, { recursive: true });
      writeFileSync(propertiesFile, serverProperties(listener, config.kafkaControllerPort, dataDir));
      if (!existsSync(join(dataDir, 'meta.properties'))) {
        progress(NAME, `formatting KRaft storage in ${dataDir}`);
        const format = spawnSync(
          'java',
          java('kafka.tools.StorageTool', 'format', '-t', newClusterId(), '-c', propertiesFile),
          { encoding: 'utf8' },
        );
        if (format.status !== 0) {
          throw new InfraError(NAME, `formatting storage failed:\n${format.stdout}${format.stderr}`);
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

function serverProperties(listener: string, controllerPort: number, dataDir: string): string {
  const host = listener.slice(0, listener.lastIndexOf(':'));
  return `# Written by infra:up; edit infra/src/kafka-broker.ts instead.
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@${host}:${controllerPort}
listeners=PLAINTEXT://${listener},CONTROLLER://${host}:${controllerPort}
advertised.listeners=PLAINTEXT://${listener}
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
log.dirs=${dataDir}
# Topics are declared in infra/topics.yaml and created by infra:up or by the code that owns them.
auto.create.topics.enable=false
num.partitions=6
# One broker: internal topics cannot have more than one replica.
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
# Tests and demos start consumer groups often; do not hold the first rebalance back.
group.initial.rebalance.delay.ms=0
`;
}

/** A KRaft cluster id: 16 random bytes, base64url without padding (what `kafka-storage random-uuid` prints). */
function newClusterId(): string {
  return randomBytes(16).toString('base64url');
}

async function answersMetadata(config: PlatformConfig): Promise<boolean> {
  const admin = createKafka(config, 'ensemble-infra-probe', {
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
