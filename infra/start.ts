/**
 * npm start [-- --brokers 3] — the whole platform from one command: the infrastructure, the schemas, a build, and
 * the five services and the console as separate processes, each with its own log of JSON lines
 * under .ensemble/logs/ and its output prefixed in this terminal, in words. Waits until every
 * process is healthy. A process that exits is started again with a growing delay while the others
 * go on (one with a configuration error, exit code 78, is not: it would only fail again). Ctrl-C
 * stops the processes (the infrastructure stays up for the next start; `npm run infra:down` stops it).
 */
import { ChildProcess, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { DEFAULT_HTTP_PORTS, parseCommandLine, PROCESS_NAMES, ProcessName } from '@ensemble/config';
import { spawnService, waitUntilHealthy } from '@ensemble/process';
import { endedBy, EnsembleError, retry } from '@ensemble/retry';
import { localAdminToken } from './src/admin-token';
import { REPOSITORY_ROOT } from './src/infra-config';
import { readableLogLine } from './src/readable-log-line';

const COLOURS = ['\x1b[36m', '\x1b[35m', '\x1b[33m', '\x1b[32m', '\x1b[34m', '\x1b[95m'];
const RESET = '\x1b[0m';
const LOG_DIR = join(REPOSITORY_ROOT, '.ensemble', 'logs');
const running = new Map<ProcessName, ChildProcess>();
/** A service that ran this long before it exited is restarted as after a first failure. */
const RESTART_RESET_MS = 60_000;
const EX_CONFIG = 78;
/** Aborted when npm start stops (Ctrl-C, or a failure): no service is started again, no wait goes on. */
const stopping = new AbortController();

function step(what: string, command: string, args: string[]): void {
  console.log(`\n== ${what}`);
  const result = spawnSync(command, args, { cwd: REPOSITORY_ROOT, stdio: 'inherit' });
  if (result.status !== 0) {
    console.error(`npm start: ${what} failed (see above)`);
    process.exit(1);
  }
}

/** Runs the service, and starts it again after a growing delay each time it exits, until Ctrl-C. */
async function superviseService(service: ProcessName): Promise<void> {
  const label = `${COLOURS[PROCESS_NAMES.indexOf(service) % COLOURS.length]}${service.padEnd(10)}${RESET} |`;
  const logFile = join(LOG_DIR, `${service}.log`);
  await retry(
    async (_attempt, _bail, progressed) => {
      const startedAt = Date.now();
      const child = spawnService(service, {
        logFile,
        env: { ADMIN_TOKEN: localAdminToken() },
        // The log file keeps the JSON line; the terminal shows it as a person reads it, each of its lines prefixed.
        onLine: (line) => readableLogLine(line).split('\n').forEach((readable) => console.log(`${label} ${readable}`)),
      });
      running.set(service, child);
      // A child that failed to spawn emits 'error' and no 'exit': either way it is no longer running.
      const [code, signal] = (await once(child, 'exit').finally(() => running.delete(service))) as [number | null, NodeJS.Signals | null];
      if (stopping.signal.aborted) return;
      if (code === EX_CONFIG) {
        // Started again, it would only fail again.
        console.error(`${label} exited with a configuration error; not starting it again until that is fixed. The others go on. Its log: ${logFile}`);
        return;
      }
      if (Date.now() - startedAt >= RESTART_RESET_MS) progressed();
      throw new EnsembleError(`exited (${signal ?? code})`, { retriable: true });
    },
    {
      initialMs: 1_000,
      maxMs: 30_000,
      signal: stopping.signal,
      onRetry: (error, { failures, delayMs }) =>
        console.error(`${label} ${(error as Error).message}; starting it again in ${delayMs / 1_000} s (exit ${failures} in a row); the others go on. Its log: ${logFile}`),
    },
  ).catch(endedBy(stopping.signal));
}

async function waitUntilStarted(service: ProcessName): Promise<void> {
  await waitUntilHealthy(service, `http://127.0.0.1:${DEFAULT_HTTP_PORTS[service]}`, { timeoutMs: 60_000, signal: stopping.signal }).catch((error: Error) => {
    throw new Error(`${service} did not become healthy (${error.message}); see ${join(LOG_DIR, `${service}.log`)}`);
  });
}

async function stopAll(exitCode: number): Promise<never> {
  stopping.abort();
  const exits = [...running.values()].map((child) => new Promise((resolve) => child.once('exit', resolve)));
  for (const child of running.values()) child.kill('SIGTERM');
  await Promise.all(exits);
  process.exit(exitCode);
}

async function main(): Promise<void> {
  const commandLine = parseCommandLine({
    command: 'npm start',
    usage: 'usage: npm start [-- --brokers 1|3]',
    options: { brokers: { type: 'number', integer: true } },
  });
  const { brokers } = commandLine.options;
  if (brokers !== undefined) {
    if (brokers !== 1 && brokers !== 3) commandLine.refuse('--brokers is 1 (one broker) or 3 (a cluster of three)');
    // infra:up and every service read it: the cluster's addresses and its own databases.
    process.env.ENSEMBLE_BROKERS = String(brokers);
  }
  step('infrastructure', 'npm', ['run', '--silent', 'infra:up']);
  step('schemas', 'npm', ['run', '--silent', 'schemas:check']);
  step('build', 'npm', ['run', '--silent', 'build']);
  console.log('\n== services');
  process.on('SIGINT', () => void stopAll(0));
  process.on('SIGTERM', () => void stopAll(0));
  PROCESS_NAMES.forEach((service) => void superviseService(service).catch(fail));
  await Promise.all(PROCESS_NAMES.map(waitUntilStarted));
  console.log(
    `\nEnsemble is running (Ctrl-C stops the services):\n` +
      PROCESS_NAMES.map((service) => `  ${service.padEnd(11)} http://127.0.0.1:${DEFAULT_HTTP_PORTS[service]}`).join('\n') +
      `\n  dashboards  http://127.0.0.1:${DEFAULT_HTTP_PORTS.dashboards}/dashboards/summary\n` +
      `  live view   http://127.0.0.1:${DEFAULT_HTTP_PORTS.console}/\n` +
      `Logs: ${LOG_DIR}\n`,
  );
}

function fail(error: unknown): void {
  if (stopping.signal.aborted) return; // what failed was cut short by the stop under way
  console.error(`npm start: ${(error as Error).message}`);
  void stopAll(1);
}

main().catch(fail);
