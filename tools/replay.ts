/**
 * npm run replay -- <service> [--from-beginning | --from <ISO time>] [--to <ISO time>]
 *   rebuilds the service's projection from its topics beside the live one and swaps it in (or,
 *   with --to, builds a snapshot as of that time and keeps it in its own schema), through the
 *   running service's admin API; prints progress until it ends. Ctrl-C cancels it.
 * npm run replay -- payments --verify
 *   folds the payments topics into each payment's state and lists every difference from the
 *   payments database.
 */
import { CONSUMING_SERVICES, loadServiceUrls, parseCommandLine, ServiceName, serviceUrlVariable } from '@ensemble/config';
import { ReplayApiError, ReplayClient, ReplayProgress } from '@ensemble/replay';
import { verifyPayments } from '../apps/payments/cli/verify';
import { localAdminToken } from '../infra/src/admin-token';

const commandLine = parseCommandLine({
  command: 'replay',
  usage: `usage: npm run replay -- <service> [--from-beginning | --from <ISO time>] [--to <ISO time>]
       npm run replay -- payments --verify
services: ${CONSUMING_SERVICES.join(', ')}`,
  options: { 'from-beginning': { type: 'boolean' }, from: { type: 'string' }, to: { type: 'string' }, verify: { type: 'boolean' } },
  positionals: { service: ['payments', ...CONSUMING_SERVICES] },
});

async function main(): Promise<number> {
  const { positionals: { service }, options } = commandLine;
  if (service === 'payments') {
    if (!options.verify) commandLine.refuse('payments is rebuilt from its events with --verify');
    return verify();
  }
  if (options.verify) commandLine.refuse('--verify applies to payments only');
  if (options['from-beginning'] && options.from) commandLine.refuse('--from-beginning and --from exclude each other');
  return replay(service as ServiceName, { from: options.from, to: options.to });
}

async function replay(service: ServiceName, request: { from?: string; to?: string }): Promise<number> {
  const url = loadServiceUrls()[service];
  const client = new ReplayClient(url, localAdminToken());
  const started = await client.start(request).catch((error: unknown) => {
    if (error instanceof ReplayApiError) throw new Error(`${service} refused (${error.status}): ${error.body.error.message}`);
    throw new Error(`${service} does not answer at ${url}; start the platform with npm start (or set ${serviceUrlVariable(service)})`);
  });
  console.log(`${service}: ${started.kind} ${started.id} started (${describe(started)}); Ctrl-C cancels it`);
  let cancelling = false;
  process.once('SIGINT', () => {
    cancelling = true;
    console.log(`\n${service}: cancelling ${started.id}…`);
    void client.cancel(started.id);
  });
  let printedAt = 0;
  const ended = await client.waitUntilFinished(started.id, (progress) => {
    const line = `${progress.state.padEnd(11)} ${progress.recordsRead} records read, ${progress.remaining} to go, ${progress.eventsPerSecond}/s, ${progress.skipped.count} skipped`;
    if (process.stdout.isTTY) process.stdout.write(`\r${line}\x1b[K`);
    else if (Date.now() - printedAt >= 2_000) {
      console.log(line);
      printedAt = Date.now();
    }
  });
  if (process.stdout.isTTY) process.stdout.write('\n');
  report(ended);
  return ended.state === 'done' && !cancelling ? 0 : 1;
}

function describe(progress: ReplayProgress): string {
  const from = progress.from ? `from ${progress.from}` : 'from the beginning';
  return progress.to ? `${from} to ${progress.to}` : `${from}, swapped in once caught up`;
}

function report(progress: ReplayProgress): void {
  const seconds = progress.finishedAt ? (Date.parse(progress.finishedAt) - Date.parse(progress.startedAt)) / 1_000 : 0;
  console.log(`${progress.service}: ${progress.kind} ${progress.id} ${progress.state} after ${seconds.toFixed(1)} s: ${progress.recordsRead} records at ${progress.eventsPerSecond}/s`);
  if (progress.schema) console.log(`  the snapshot is kept in schema ${progress.schema} of the ${progress.service} database`);
  if (progress.kind === 'rebuild' && progress.state === 'done') console.log(`  the rebuilt projection is live (swap attempt ${progress.swapAttempts})`);
  for (const skipped of progress.skipped.first) console.log(`  skipped ${skipped.topic}[${skipped.partition}]@${skipped.offset}: ${skipped.reason}`);
  if (progress.skipped.count > progress.skipped.first.length) console.log(`  … and ${progress.skipped.count - progress.skipped.first.length} more skipped`);
  if (progress.error) console.log(`  error: ${progress.error}`);
}

async function verify(): Promise<number> {
  const result = await verifyPayments({ log: (line) => console.log(line) });
  for (const difference of result.differences) console.log(`  ${JSON.stringify(difference)}`);
  console.log(`payments: ${result.payments} payments, ${result.events} events, ${result.differences.length} difference(s)`);
  return result.differences.length === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`replay: ${(error as Error).message}`);
    process.exit(1);
  },
);
