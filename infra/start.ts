/**
 * npm start — the whole platform from one command: the infrastructure, the schemas, a build, and
 * the five services as separate processes, each with its own log under .ensemble/logs/ and its
 * output prefixed in this terminal. Waits until every service is healthy. Ctrl-C stops the services
 * (the infrastructure stays up for the next start; `npm run infra:down` stops it).
 */
import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { DEFAULT_HTTP_PORTS, SERVICE_NAMES, ServiceName } from '@ensemble/config';
import { localAdminToken } from './src/admin-token';
import { REPOSITORY_ROOT } from './src/infra-config';

const COLOURS = ['\x1b[36m', '\x1b[35m', '\x1b[33m', '\x1b[32m', '\x1b[34m'];
const RESET = '\x1b[0m';
const LOG_DIR = join(REPOSITORY_ROOT, '.ensemble', 'logs');
const running = new Map<ServiceName, ChildProcess>();
let stopping = false;

function step(what: string, command: string, args: string[]): void {
  console.log(`\n== ${what}`);
  const result = spawnSync(command, args, { cwd: REPOSITORY_ROOT, stdio: 'inherit' });
  if (result.status !== 0) {
    console.error(`npm start: ${what} failed (see above)`);
    process.exit(1);
  }
}

function startService(service: ServiceName, index: number): void {
  const label = `${COLOURS[index % COLOURS.length]}${service.padEnd(10)}${RESET} |`;
  const log = createWriteStream(join(LOG_DIR, `${service}.log`), { flags: 'a' });
  const child = spawn(process.execPath, [join(REPOSITORY_ROOT, 'dist', 'apps', service, 'src', 'main.js')], {
    cwd: REPOSITORY_ROOT,
    env: { ...process.env, NO_COLOR: '1', ADMIN_TOKEN: localAdminToken() },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  for (const stream of [child.stdout!, child.stderr!]) {
    createInterface({ input: stream }).on('line', (line) => {
      log.write(`${line}\n`);
      console.log(`${label} ${line}`);
    });
  }
  child.on('exit', (code, signal) => {
    running.delete(service);
    log.end();
    if (!stopping) {
      console.error(`${label} exited (${signal ?? code}); stopping the others. Its log: ${join(LOG_DIR, `${service}.log`)}`);
      void stopAll(1);
    }
  });
  running.set(service, child);
}

async function waitUntilHealthy(service: ServiceName): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline && running.has(service)) {
    try {
      if ((await fetch(`http://127.0.0.1:${DEFAULT_HTTP_PORTS[service]}/health`)).ok) return;
    } catch {
      // Not listening yet.
    }
    await sleep(250);
  }
  throw new Error(`${service} did not become healthy; see ${join(LOG_DIR, `${service}.log`)}`);
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
  mkdirSync(LOG_DIR, { recursive: true });
  process.on('SIGINT', () => void stopAll(0));
  process.on('SIGTERM', () => void stopAll(0));
  SERVICE_NAMES.forEach(startService);
  await Promise.all(SERVICE_NAMES.map(waitUntilHealthy));
  console.log(
    `\nEnsemble is running (Ctrl-C stops the services):\n` +
      SERVICE_NAMES.map((service) => `  ${service.padEnd(11)} http://127.0.0.1:${DEFAULT_HTTP_PORTS[service]}`).join('\n') +
      `\n  dashboards  http://127.0.0.1:${DEFAULT_HTTP_PORTS.dashboards}/dashboards/summary\n` +
      `  live view   http://127.0.0.1:${DEFAULT_HTTP_PORTS.dashboards}/\n` +
      `Logs: ${LOG_DIR}\n`,
  );
}

main().catch((error: unknown) => {
  console.error(`npm start: ${(error as Error).message}`);
  void stopAll(1);
});
