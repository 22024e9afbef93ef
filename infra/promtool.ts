/**
 * npm run promtool:install — Debian's promtool for the spec that checks infra/prometheus/prometheus.yml
 * (infra/test/prometheus.int-spec.ts), taken from the prometheus package unless it is there.
 * `npm test` does the same by itself when it is missing.
 */
import { InfraError } from './src/infra-error';
import { loadInfraConfig } from './src/infra-config';
import { ensurePromtool } from './src/promtool';

ensurePromtool(loadInfraConfig().cacheDir).then(
  (path) => console.log(`promtool: ${path}`),
  (error: unknown) => {
    console.error(error instanceof InfraError ? error.message : (error as Error).stack);
    process.exitCode = 1;
  },
);
