/**
 * npm run browser:install — Debian's chromium for the browser specs (e2e/live-view.int-spec.ts),
 * installed with apt-get unless it is there. `npm test` does the same by itself when it is missing.
 */
import { InfraError } from './src/infra-error';
import { CHROMIUM_PATH, ensureChromium } from './src/chromium';

try {
  ensureChromium();
  console.log(`chromium: ${CHROMIUM_PATH}`);
} catch (error) {
  console.error(error instanceof InfraError ? error.message : (error as Error).stack);
  process.exitCode = 1;
}
