/**
 * npm run infra:up | infra:down | infra:status [-- --brokers 1|3]
 * Starts, stops and shows the local Kafka, schema registry, Zipkin, MailDev, PostgreSQL databases and RabbitMQ.
 * `--brokers 3` (or ENSEMBLE_BROKERS=3) is the cluster of three KRaft nodes, with a log and databases of its own.
 * `topics` only applies infra/topics.yaml to the configured cluster (docker-compose.yml uses it).
 */
import { ConfigurationError, parseCommandLine } from '@ensemble/config';
import { TopicDeclarationsError } from '@ensemble/contract';
import { InfraError } from './src/infra-error';
import { loadInfraConfig } from './src/infra-config';
import { applyDeclaredTopics, LocalStack } from './src/stack';

const progress = (component: string, message: string) => console.log(`[${component}] ${message}`);

async function main(): Promise<void> {
  const commandLine = parseCommandLine({
    command: 'infra',
    usage: 'usage: tsx infra/cli.ts up|down|status|topics [--brokers 1|3]',
    options: { brokers: { type: 'number', integer: true } },
    positionals: { command: ['up', 'down', 'status', 'topics'] },
  });
  const { command } = commandLine.positionals;
  const { brokers } = commandLine.options;
  if (brokers !== undefined) {
    if (brokers !== 1 && brokers !== 3) commandLine.refuse('--brokers is 1 (one broker) or 3 (a cluster of three)');
    process.env.ENSEMBLE_BROKERS = String(brokers);
  }
  const config = loadInfraConfig();
  const stack = new LocalStack(config);
  const started = Date.now();
  switch (command) {
    case 'up': {
      const report = await stack.up(progress);
      const changed =
        [report.postgres, report.kafka, report.schemaRegistry, report.zipkin, report.maildev, report.rabbitMq].includes('started') ||
        report.databasesCreated.length > 0 ||
        report.topicChanges.length > 0 ||
        report.compatibilitySet;
      console.log(
        `${changed ? 'Infrastructure is up' : 'Infrastructure was already up; nothing to do'} (${((Date.now() - started) / 1000).toFixed(1)}s)\n` +
          `  Kafka            ${config.platform.kafka.brokers.join(',')} (${config.platform.kafka.profile === 'cluster' ? `a cluster of ${config.platform.kafka.brokers.length}; ENSEMBLE_BROKERS=3 points every command at it` : 'one broker'})\n` +
          `  Schema registry  ${config.platform.schemaRegistry.url}\n` +
          `  Zipkin           ${stack.zipkin.endpoint} (traces${config.platform.tracing.enabled ? '' : '; OTEL_SDK_DISABLED=true: none recorded'})\n` +
          `  MailDev          ${config.platform.mail.smtpUrl} (emails to read at ${config.platform.mail.webUrl})\n` +
          `  PostgreSQL       ${Object.values(config.platform.databases).join(' ')}\n` +
          `  RabbitMQ         ${stack.rabbitMq.endpoint} (work queues)\n` +
          `  Logs             ${config.runDir}\n` +
          `  Kafka's data     ${config.dataDir}`,
      );
      return;
    }
    case 'topics': {
      const changes = await applyDeclaredTopics(config.platform, progress);
      console.log(changes.length === 0 ? 'Topics match infra/topics.yaml; nothing to do' : `Applied ${changes.length} topic change(s)`);
      return;
    }
    case 'down':
      await stack.down(progress);
      return;
    case 'status': {
      const rows = await stack.status();
      for (const row of rows) {
        const owner = row.ourPid ? `started by infra:up, pid ${row.ourPid}` : 'not started by infra:up';
        console.log(
          `${row.component.padEnd(16)} ${row.answering ? 'answering' : 'NOT answering'}  ${row.endpoint}  (${owner})${row.log ? `  log: ${row.log}` : ''}`,
        );
      }
      const kafka = await stack.kafkaStatus();
      console.log(`${'kafka quorum'.padEnd(16)} ${kafka.quorum}`);
      console.log(
        `${'replicas'.padEnd(16)} ${kafka.underReplicated.length === 0 ? 'every partition fully in sync' : `${kafka.underReplicated.length} partition(s) under-replicated or offline:\n${kafka.underReplicated.map((line) => `                   ${line}`).join('\n')}`}`,
      );
      process.exitCode = rows.every((row) => row.answering) ? 0 : 1;
      return;
    }
  }
}

main().catch((error: unknown) => {
  if (error instanceof InfraError || error instanceof ConfigurationError || error instanceof TopicDeclarationsError) {
    console.error(`infra: ${error.message}`);
  } else {
    console.error(error);
  }
  process.exit(1);
});
