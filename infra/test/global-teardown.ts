import { join } from 'node:path';
import { run } from './global-setup';

/** The run's broker, registry, log and databases go when it ends, passed or failed. */
export default async function globalTeardown(): Promise<void> {
  await run('removing the test stack', join(__dirname, '..', '..', 'node_modules', '.bin', 'tsx'), [join(__dirname, 'test-stack-cli.ts'), 'down']);
}
