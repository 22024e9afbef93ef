/**
 * npm start — the whole platform from one command: the infrastructure, the schemas, a build, and
 * the five services and the console as separate processes, each with its own log under
 * .ensemble/logs/ and its output prefixed in this terminal. Waits until every process is healthy.
 * A process that exits is started again with a growing delay while the others go on (one with a
 * configuration error, exit code 78, is not: it would only fail again). Ctrl-C stops the processes
 * (the infrastructure stays up for the next start; `npm run infra:down` stops it).
 */
import { ChildProcess, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { DEFAULT_HTTP_PORTS, PROCESS_NAMES, ProcessName } from '@ensemble/config';
import { spawnService } from '@ensemble/process';
import { EnsembleError, pollUntil } from '@ensemble/retry';
import { localAdminToken } from './src/admin-token';
import { REPOSITORY_ROOT } from './src/infra-config';

const COLOURS = ['\x1b[36m', '\x1b[35m', '\x1b[33m', '\x1b[32m', '\x1b[34m', '\x1b[95m'];
const RESET = '\x1b[0m';
const LOG_DIR = join(REPOSITORY_ROOT, '.ensemble', 'logs');
const running = new Map<ProcessName, ChildProcess>();
/** Restarts since each service last ran for RESTART_RESET_MS: the exponent of its next delay. */
const restarts = new Map<ProcessName, number>();
/** A service that ran this long before it exited is restarted without delay, as after a first failure. */
const RESTART_RESET_MS = 60_000;
const EX_CONFIG = 78;
let stopping = false;

function step(what: string, command: string, args: string[]): void {
  console.log(`\n== ${what}`);
  const result = spawnSync(command, args, { cwd: REPOSITORY_ROOT, stdio: 'inherit' });
  if (result.status !== 0) {
    console.error(`npm start: ${what} failed (see above)`);
    process.exit(1);
  }
}

function startService(service: ProcessName): void {
  const label = `${COLOURS[PROCESS_NAMES.indexOf(service) % COLOURS.length]}${service.padEnd(10)}${RESET} |`;
  const startedAt = Date.now();
  const logFile = join(LOG_DIR, `${service}.log`);
  const child = spawnService(service, {
    logFile,
    env: { ADMIN_TOKEN: localAdminToken() },
    onLine: (line) => console.log(`${label} ${line}`),
  });
  child.on('exit', (code, signal) => {
    running.delete(service);
    if (stopping) return;
    if (code === EX_CONFIG) {
      console.error(`${label} exited with a configuration error; not starting it again until that is fixed. The others go on. Its log: ${logFile}`);
      return;
    }
    const count = Date.now() - startedAt >= RESTART_RESET_MS ? 1 : (restarts.get(service) ?? 0) + 1;
    restarts.set(service, count);
    const delay = Math.min(30_000, 1_000 * 2 ** (count - 1));
    console.error(`${label} exited (${signal ?? code}); starting it again in ${delay / 1_000} s (restart ${count}); the others go on. Its log: ${logFile}`);
    setTimeout(() => {
      if (!stopping) startService(service);
    }, delay);
  });
  running.set(service, child);
}

async function waitUntilHealthy(service: ProcessName): Promise<void> {
  const healthy = async () => {
    if (stopping) throw new EnsembleError('stopping', { retriable: false });
    // A refused connection (not listening yet) is retriable: polled again.
    return (await fetch(`http://127.0.0.1:${DEFAULT_HTTP_PORTS[service]}/health`)).ok;
  };
  await pollUntil(healthy, { intervalMs: 250, timeoutMs: 60_000, description: `${service} to answer /health` }).catch((error: Error) => {
    throw new Error(`${service} did not become healthy (${error.message}); see ${join(LOG_DIR, `${service}.log`)}`);
  });
}

async function stopAll(exitCode: number): Promise<never> {
  stopping = true;
  const exits = [...running.values()].map((child) => new Promise((resolve) => child.once('exit', resolve)));
  for (const child of running.values()) child.kill('SIGTERM');
  await Promise.all(exits);
  process.exit(exitCode);
}

async function main(): Promise<void> {
  step('infrastructure', 'npm', ['run', '--silent', 'infra:up']);
  step('schemas', 'npm', ['run', '--silent', 'schemas:check']);
  step('build', 'npm', ['run', '--silent', 'build']);
  console.log('\n== services');
  process.on('SIGINT', () => void stopAll(0));
  process.on('SIGTERM', () => void stopAll(0));
  PROCESS_NAMES.forEach((service) => startService(service));
  await Promise.all(PROCESS_NAMES.map(waitUntilHealthy));
  console.log(
    `\nEnsemble is running (Ctrl-C stops the services):\n` +
      PROCESS_NAMES.map((service) => `  ${service.padEnd(11)} http://127.0.0.1:${DEFAULT_HTTP_PORTS[service]}`).join('\n') +
      `\n  dashboards  http://127.0.0.1:${DEFAULT_HTTP_PORTS.dashboards}/dashboards/summary\n` +
      `  live view   http://127.0.0.1:${DEFAULT_HTTP_PORTS.console}/\n` +
      `Logs: ${LOG_DIR}\n`,
  );
}

main().catch((error: unknown) => {
  console.error(`npm start: ${(error as Error).message}`);
  void stopAll(1);
});
