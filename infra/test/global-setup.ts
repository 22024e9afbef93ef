import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';

const root = join(__dirname, '..', '..');
const tsx = join(root, 'node_modules', '.bin', 'tsx');
const testStackCli = join(__dirname, 'test-stack-cli.ts');

/**
 * Integration specs talk to a real Kafka, schema registry, MailDev, PostgreSQL and RabbitMQ, and start services
 * as real processes from dist/. The run gets a stack of its own (see test-stack.ts), started empty here while
 * the services are built, and removed by the global teardown; every spec and every process it starts
 * inherits the stack's variables. The browser specs drive Debian's chromium, installed here on a
 * machine that lacks it, and the Prometheus configuration is checked with Debian's promtool, fetched
 * likewise. Each step runs through tsx, which resolves the libraries' paths that Jest's global hooks cannot.
 */
export default async function globalSetup(): Promise<void> {
  const environment = spawnSync(tsx, [testStackCli, 'env'], { cwd: root, encoding: 'utf8' });
  if (environment.status !== 0) throw new Error(`reading the test stack's variables failed:\n${environment.stderr}`);
  Object.assign(process.env, JSON.parse(environment.stdout));
  (globalThis as TestStackMarker).testStackStarted = true;
  await Promise.all([
    run('starting the test stack', tsx, [testStackCli, 'up']),
    run('building the services', 'npm', ['run', '--silent', 'build']),
    // One after the other: both may run apt-get, which lets one run at a time.
    run('installing chromium', tsx, [join(root, 'infra', 'browser.ts')]).then(() => run('fetching promtool', tsx, [join(root, 'infra', 'promtool.ts')])),
  ]);
}

/** Set by the setup for the teardown, which Jest runs in the same process, also when the setup is switched off. */
export interface TestStackMarker {
  testStackStarted?: boolean;
}

export function run(what: string, command: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${what} failed (see its output above); the integration specs need it`))));
  });
}
