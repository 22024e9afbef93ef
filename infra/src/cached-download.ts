import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Fills `dir` once: `fill` writes into a scratch folder that is renamed into place only when it has
 * finished, so an interrupted download is never mistaken for a complete one.
 */
export async function cachedDirectory(dir: string, fill: (scratch: string) => Promise<void>): Promise<boolean> {
  const marker = join(dir, '.complete');
  if (existsSync(marker)) return false;
  const scratch = `${dir}.partial-${process.pid}`;
  rmSync(scratch, { recursive: true, force: true });
  mkdirSync(scratch, { recursive: true });
  try {
    await fill(scratch);
    writeFileSync(join(scratch, '.complete'), new Date().toISOString());
    rmSync(dir, { recursive: true, force: true });
    renameSync(scratch, dir);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  return true;
}
