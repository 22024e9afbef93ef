/**
 * tsx infra/test/test-stack-cli.ts env|up|down
 * The test run's own stack (see test-stack.ts): `env` prints its variables as JSON, `up` starts it
 * empty, `down` removes it. Jest's global setup and teardown call it through tsx, which resolves the
 * libraries' paths that Jest's global hooks cannot.
 */
import { parseCommandLine } from '@ensemble/config';
import { removeTestStack, testStack, testStackConfig, testStackEnvironment } from './test-stack';

async function main(): Promise<void> {
  const { command } = parseCommandLine({
    command: 'test stack',
    usage: 'usage: tsx infra/test/test-stack-cli.ts env|up|down',
    positionals: { command: ['env', 'up', 'down'] },
  }).positionals;
  const config = testStackConfig();
  switch (command) {
    case 'env':
      process.stdout.write(JSON.stringify(testStackEnvironment()));
      return;
    case 'up':
      await removeTestStack(config);
      await testStack(config).up((component, message) => console.log(`[test stack: ${component}] ${message}`));
      return;
    case 'down':
      await removeTestStack(config);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
