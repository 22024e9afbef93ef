/**
 * tsx infra/test/test-stack-cli.ts env|up|down
 * The test run's own stack (see test-stack.ts): `env` prints its variables as JSON, `up` starts it
 * empty, `down` removes it. Jest's global setup and teardown call it through tsx, which resolves the
 * libraries' paths that Jest's global hooks cannot.
 */
import { LocalStack } from '../src/stack';
import { removeTestStack, testStackConfig, testStackEnvironment } from './test-stack';

async function main(command: string | undefined): Promise<void> {
  const config = testStackConfig();
  switch (command) {
    case 'env':
      process.stdout.write(JSON.stringify(testStackEnvironment()));
      return;
    case 'up':
      await removeTestStack(config);
      await new LocalStack(config).up((component, message) => console.log(`[test stack: ${component}] ${message}`));
      return;
    case 'down':
      await removeTestStack(config);
      return;
    default:
      console.error('usage: tsx infra/test/test-stack-cli.ts env|up|down');
      process.exitCode = 2;
  }
}

main(process.argv[2]).catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
