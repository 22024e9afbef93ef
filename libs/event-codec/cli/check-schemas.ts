/**
 * npm run schemas:check — registers every schema in schemas/ with the registry, or fails naming the
 * subject that the registry rejected and why. Registering an unchanged schema changes nothing.
 */
import { loadPlatformConfig, parseCommandLine } from '@ensemble/config';
import { loadEventCatalogue } from '@ensemble/events';
import { registerSchemas } from '../src/schema-compatibility';

async function main(): Promise<void> {
  parseCommandLine({ command: 'schemas:check', usage: 'usage: npm run schemas:check' });
  const registryUrl = loadPlatformConfig().schemaRegistry.url;
  const results = await registerSchemas(registryUrl, loadEventCatalogue().events);
  for (const result of results) {
    const detail = 'id' in result ? `schema id ${result.id}` : result.reason;
    console.log(`${result.outcome.padEnd(12)} ${result.subject}  ${detail}`);
  }
  const rejected = results.filter((result) => result.outcome === 'incompatible' || result.outcome === 'failed');
  if (rejected.length > 0) {
    console.error(`schemas:check: ${rejected.length} of ${results.length} subject(s) rejected: ${rejected.map((result) => result.subject).join(', ')}`);
    process.exitCode = 1;
  }
}

main().catch((error: unknown) => {
  console.error(`schemas:check: ${(error as Error).message}`);
  process.exit(1);
});
