import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { databaseUrlVariable, LOCAL_DEFAULTS, SERVICE_NAMES } from '@ensemble/config';
import { InfraConfig, loadInfraConfig, REPOSITORY_ROOT } from '../src/infra-config';
import { stopServer } from '../src/local-server';
import { LocalStack } from '../src/stack';

/**
 * What a test run connects to: a Kafka broker, a schema registry, a mail server and databases of
 * its own, on ports and under names that `npm start`'s platform does not use. A running platform
 * and `npm test` then never share a record, a consumer group, a row or an email, and each run starts
 * from an empty log, so no spec's time grows with what the machine has ever written.
 */
export function testStackEnvironment(): Record<string, string> {
  const runDir = join(REPOSITORY_ROOT, '.ensemble', 'test-stack');
  return {
    KAFKA_BROKERS: '127.0.0.1:19092',
    KAFKA_CONTROLLER_PORT: '19093',
    SCHEMA_REGISTRY_URL: 'http://127.0.0.1:18081/apis/ccompat/v7',
    SCHEMA_REGISTRY_MANAGEMENT_PORT: '19081',
    OTEL_EXPORTER_ZIPKIN_ENDPOINT: 'http://127.0.0.1:19411/api/v2/spans',
    SMTP_URL: 'smtp://127.0.0.1:11025',
    MAIL_WEB_URL: 'http://127.0.0.1:11080',
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

/**
 * Stops the test stack's broker, registry, Zipkin and MailDev and deletes its log, emails and
 * databases: at the end of a run, and at the start of the next one in case a run was killed before
 * its teardown.
 */
export async function removeTestStack(config: InfraConfig): Promise<void> {
  const stack = new LocalStack(config);
  await Promise.all(stack.servers.map((server) => stopServer(server)));
  if (await stack.postgres.isAnswering()) await stack.postgres.dropDatabases();
  rmSync(config.dataDir, { recursive: true, force: true });
  rmSync(stack.maildev.mailDirectory, { recursive: true, force: true });
}
