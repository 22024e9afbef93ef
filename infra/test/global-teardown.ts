import { join } from 'node:path';
import { run, TestStackMarker } from './global-setup';

/**
 * The run's broker, registry, MailDev, RabbitMQ node, log, emails and databases go when it ends, passed or
 * failed; a run of unit specs alone (`--globalSetup=''`) started none and removes none, even while another run
 * uses them.
 */
export default async function globalTeardown(): Promise<void> {
  if (!(globalThis as TestStackMarker).testStackStarted) return;
  await run('removing the test stack', join(__dirname, '..', '..', 'node_modules', '.bin', 'tsx'), [join(__dirname, 'test-stack-cli.ts'), 'down']);
}
