/**
 * npm run dlq -- list <service>      the service's dead letters, with where they came from and why
 * npm run dlq -- redrive <service>   sends them back through the service's retry topic, once the cause is fixed
 */
import { CONSUMING_SERVICES, loadPlatformConfig, ServiceName } from '@ensemble/config';
import { createKafka } from '@ensemble/kafka';
import { FAILURE_HEADERS } from '../src/failure-topics';
import { listDeadLetters, redriveDeadLetters } from '../src/dead-letters';

async function main([command, service]: string[]): Promise<void> {
  if (!['list', 'redrive'].includes(command) || !CONSUMING_SERVICES.includes(service as ServiceName)) {
    console.error(`usage: npm run dlq -- list|redrive <service>   (service: ${CONSUMING_SERVICES.join(', ')})`);
    process.exitCode = 2;
    return;
  }
  const kafka = createKafka(loadPlatformConfig(), `dlq-${command}`);
  if (command === 'redrive') {
    const redriven = await redriveDeadLetters(kafka, service as ServiceName);
    console.log(redriven === 0 ? `${service}: no dead letters to redrive` : `${service}: redrove ${redriven} dead letter(s) to ${service}.retry`);
    return;
  }
  const letters = await listDeadLetters(kafka, service as ServiceName);
  for (const { offset, headers } of letters) {
    console.log(
      `#${offset}  ${headers[FAILURE_HEADERS.originalTopic]}[${headers[FAILURE_HEADERS.originalPartition]}]@${headers[FAILURE_HEADERS.originalOffset]}` +
        `  ${headers[FAILURE_HEADERS.reason]} after ${headers[FAILURE_HEADERS.attempts]} retry round(s) at ${headers[FAILURE_HEADERS.failedAt]}: ${headers[FAILURE_HEADERS.error]}`,
    );
  }
  console.log(`${service}: ${letters.length} dead letter(s)`);
}

main(process.argv.slice(2)).catch((error: unknown) => {
  console.error(`dlq: ${(error as Error).message}`);
  process.exitCode = 1;
});
