import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { ensureChromium } from '../src/chromium';

const root = join(__dirname, '..', '..');

function run(what: string, command: string, args: string[]): void {
  const result = spawnSync(command, args, { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });
  if (result.status !== 0) throw new Error(`${what} failed (see its output above); the integration specs need it`);
}

/**
 * Integration specs talk to the real Kafka, schema registry and PostgreSQL, and start services as
 * real processes from dist/. Bring up whatever infrastructure is not running (a no-op when it all
 * is; it stays up afterwards for the next run, until `npm run infra:down`) and build the services.
 * The browser specs drive Debian's chromium, installed here on a machine that lacks it.
 */
export default function globalSetup(): void {
  run('infra:up', join(root, 'node_modules', '.bin', 'tsx'), [join(root, 'infra', 'cli.ts'), 'up']);
  run('building the services', 'npm', ['run', '--silent', 'build']);
  ensureChromium();
}
