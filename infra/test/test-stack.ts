import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { databaseUrlVariable, LOCAL_DEFAULTS, SERVICE_NAMES } from '@ensemble/config';
import { PrivateRabbitMqNode } from '@ensemble/testing/private-rabbitmq-node';
import { brokerAnswers } from '@ensemble/work-queue';
import { InfraConfig, loadInfraConfig, REPOSITORY_ROOT } from '../src/infra-config';
import { stopServer } from '../src/local-server';
import { installRabbitMqIfMissing, RabbitMqBroker } from '../src/rabbitmq';
import { LocalStack } from '../src/stack';

/** The test run's RabbitMQ node: AMQP on 15673, its distribution on 35673 (RabbitMQ's own choice, the AMQP port + 20000). */
const RABBITMQ_PORT = 15673;

/**
 * What a test run connects to: a Kafka broker, a schema registry, a mail server, a RabbitMQ node and
 * databases of its own, on ports and under names that `npm start`'s platform does not use. A running
 * platform and `npm test` then never share a record, a consumer group, a row, a job or an email, and
 * each run starts from an empty log, so no spec's time grows with what the machine has ever written.
 */
export function testStackEnvironment(): Record<string, string> {
  const runDir = join(REPOSITORY_ROOT, '.ensemble', 'test-stack');
  return {
    KAFKA_BROKERS: '127.0.0.1:19092',
    SCHEMA_REGISTRY_URL: 'http://127.0.0.1:18081/apis/ccompat/v7',
    SCHEMA_REGISTRY_MANAGEMENT_PORT: '19081',
    OTEL_EXPORTER_ZIPKIN_ENDPOINT: 'http://127.0.0.1:19411/api/v2/spans',
    SMTP_URL: 'smtp://127.0.0.1:11025',
    MAIL_WEB_URL: 'http://127.0.0.1:11080',
    RABBITMQ_URL: `amqp://guest:guest@127.0.0.1:${RABBITMQ_PORT}`,
    SCHEMA_REGISTRY_DATABASE_URL: `${LOCAL_DEFAULTS.postgresServer}/ensemble_test_schema_registry`,
    ...Object.fromEntries(
      SERVICE_NAMES.map((service) => [databaseUrlVariable(service), `${LOCAL_DEFAULTS.postgresServer}/ensemble_test_${service}`]),
    ),
    ENSEMBLE_RUN_DIR: runDir,
    ENSEMBLE_DATA_DIR: join(runDir, 'data'),
  };
}

/** The test run's stack, as {@link testStackEnvironment} places it. */
export function testStackConfig(): InfraConfig {
  return loadInfraConfig({ ...process.env, ...testStackEnvironment() });
}

/** The test run's stack: the machine's PostgreSQL, and servers of its own, a RabbitMQ node among them rather than the machine's. */
export function testStack(config: InfraConfig): LocalStack {
  return new LocalStack(config, testStackRabbitMq(config));
}

/** A RabbitMQ node of the run's own, its data and logs with the stack's data, started and stopped with the stack. */
function testStackRabbitMq(config: InfraConfig): RabbitMqBroker {
  const node = new PrivateRabbitMqNode({ label: 'test-stack', amqpPort: RABBITMQ_PORT, baseDir: join(config.dataDir, 'rabbitmq') });
  return {
    endpoint: `127.0.0.1:${RABBITMQ_PORT}`,
    isAnswering: () => brokerAnswers(node.url),
    async ensureRunning(progress) {
      if (node.isRunning && (await brokerAnswers(node.url))) return 'already running';
      installRabbitMqIfMissing(progress);
      await node.start();
      return 'started';
    },
    async stopIfStartedByUs() {
      await node.stop();
      return true;
    },
  };
}

/**
 * Stops the test stack's broker, registry, Zipkin, MailDev and RabbitMQ node and deletes their data,
 * its emails and its databases: at the end of a run, and at the start of the next one in case a run
 * was killed before its teardown.
 */
export async function removeTestStack(config: InfraConfig): Promise<void> {
  const stack = testStack(config);
  await Promise.all([...stack.servers.map((server) => stopServer(server)), stack.rabbitMq.stopIfStartedByUs()]);
  if (await stack.postgres.isAnswering()) await stack.postgres.dropDatabases();
  rmSync(config.dataDir, { recursive: true, force: true });
  rmSync(stack.maildev.mailDirectory, { recursive: true, force: true });
}
