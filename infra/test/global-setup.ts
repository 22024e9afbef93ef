import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

/**
 * Integration specs talk to the real Kafka, schema registry and PostgreSQL: bring up whatever is not
 * running (a no-op when it all is). They stay up afterwards for the next run; `npm run infra:down` stops them.
 */
export default function globalSetup(): void {
  const root = join(__dirname, '..', '..');
  const up = spawnSync(join(root, 'node_modules', '.bin', 'tsx'), [join(root, 'infra', 'cli.ts'), 'up'], {
    cwd: root,
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  if (up.status !== 0) throw new Error('infra:up failed (see its output above); integration specs need it');
}
