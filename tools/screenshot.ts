/**
 * npm run docs:screenshot — docs/live-view.png: the live view of a running platform (`npm start`)
 * after a few dozen payments, as the README shows it.
 *
 * Opens CONSOLE_URL (http://127.0.0.1:3005) in Debian's headless chromium, posts payments at a
 * steady pace with `npm run demo` against PAYMENTS_URL (http://127.0.0.1:3000), waits until every
 * row is complete, and saves the page.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { loadServiceUrls, parseCommandLine } from '@ensemble/config';
import { pollUntil } from '@ensemble/retry';
import { CHROMIUM_PATH } from '../infra/src/chromium';

const ROOT = join(__dirname, '..');
const FILE = join(ROOT, 'docs', 'live-view.png');

async function main(): Promise<void> {
  parseCommandLine({ command: 'docs:screenshot', usage: 'usage: npm run docs:screenshot' });
  const urls = loadServiceUrls();
  // Root cannot run chromium's sandbox; the page is our own.
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: ['--no-sandbox'] });
  try {
    const page = await browser.newPage({ viewport: { width: 1500, height: 1150 } });
    await page.goto(urls.console);
    await page.locator('#feed[data-state="live"]').waitFor({ timeout: 30_000 });
    const demo = spawnSync(join(ROOT, 'node_modules', '.bin', 'tsx'), [join(ROOT, 'apps', 'payments', 'cli', 'demo.ts'), '--rate', '4', '--duration', '12', '--url', urls.payments], {
      cwd: ROOT,
      stdio: 'inherit',
    });
    if (demo.status !== 0) throw new Error(`npm run demo exited with ${demo.status}`);
    await pollUntil(async () => (await page.locator('tr.payment[data-complete="false"]').count()) === 0, {
      intervalMs: 250,
      timeoutMs: 60_000,
      description: 'every payment to have all its reactions',
    });
    await page.screenshot({ path: FILE });
    console.log(`saved ${FILE}`);
  } finally {
    await browser.close();
  }
}

main().catch((error: unknown) => {
  console.error(`docs:screenshot: ${(error as Error).message} (is the platform running? npm start)`);
  process.exitCode = 1;
});
