/**
 * npm run dlq -- list <service>      the service's dead letters, with where they came from and why
 * npm run dlq -- redrive <service>   sends them back through the service's first retry topic, once the cause is fixed
 *
 * For a service with a work queue (notifications), the same for the jobs in its dead-letter queue:
 * listed with why they failed, and redriven to the work queue with their attempts started over.
 */
import { Client } from 'pg';
import { CONSUMING_SERVICES, loadPlatformConfig, parseCommandLine, workQueueOf } from '@ensemble/config';
import * as workQueue from '@ensemble/work-queue';
import { createPlatformClients } from '@ensemble/platform';
import { FAILURE_HEADERS, failureTopics } from '../src/failure-topics';
import { listDeadLetters, redriveDeadLetters } from '../src/dead-letters';
import { RetrySigner } from '../src/retry-signer';

async function main(): Promise<void> {
  const { command, service } = parseCommandLine({
    command: 'dlq',
    usage: `usage: npm run dlq -- list|redrive <service>   (service: ${CONSUMING_SERVICES.join(', ')})`,
    positionals: { command: ['list', 'redrive'], service: CONSUMING_SERVICES },
  }).positionals;
  const config = loadPlatformConfig();
  const { kafka } = createPlatformClients(config, `dlq-${command}`);
  const queue = workQueueOf(service);
  if (command === 'redrive') {
    // Redriven records are signed with the service's key, as its own retries are: it is in the service's database.
    const db = new Client({ connectionString: config.databases[service] });
    await db.connect();
    const signer = await RetrySigner.load(async (sql, parameters) => (await db.query(sql, parameters)).rows).finally(() => db.end());
    const { redriven, refused } = await redriveDeadLetters(kafka, service, signer);
    console.log(
      (redriven === 0 ? `${service}: no dead letters to redrive` : `${service}: redrove ${redriven} dead letter(s) to ${failureTopics(service).retries[0]}`) +
        (refused === 0 ? '' : `; left ${refused} that ${service} did not write whole (stubs, or records it never signed)`),
    );
    if (queue) console.log(`${service}: redrove ${await workQueue.redriveDeadLetters(config.workQueue.url, queue)} dead-lettered job(s) to ${queue}`);
    return;
  }
  const letters = await listDeadLetters(kafka, service);
  for (const { offset, headers } of letters) {
    console.log(
      `#${offset}  ${headers[FAILURE_HEADERS.originalTopic]}[${headers[FAILURE_HEADERS.originalPartition]}]@${headers[FAILURE_HEADERS.originalOffset]}` +
        `  ${headers[FAILURE_HEADERS.reason]} after ${headers[FAILURE_HEADERS.attempts]} retry round(s) at ${headers[FAILURE_HEADERS.failedAt]}: ${headers[FAILURE_HEADERS.error]}`,
    );
  }
  console.log(`${service}: ${letters.length} dead letter(s)`);
  if (!queue) return;
  const jobs = await workQueue.listDeadLetters(config.workQueue.url, queue);
  for (const job of jobs) console.log(`job ${job.messageId}  after ${job.attempts} attempt(s)${job.failedAt ? ` at ${job.failedAt.toISOString()}` : ''}: ${job.reason}`);
  console.log(`${service}: ${jobs.length} dead-lettered job(s) in ${queue}`);
}

main().catch((error: unknown) => {
  console.error(`dlq: ${(error as Error).message}`);
  process.exitCode = 1;
});
