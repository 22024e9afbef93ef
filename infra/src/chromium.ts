import { existsSync } from 'node:fs';
import { aptGet } from './apt-get';
import { InfraError } from './infra-error';

/** Debian's chromium: what the browser specs drive through playwright-core, which fetches no browser of its own. */
export const CHROMIUM_PATH = '/usr/bin/chromium';

/** The browser, and a font family for the pages it renders (fonts are only a recommendation of the package). */
const PACKAGES = ['chromium', 'fonts-liberation'];

/**
 * Installs Debian's chromium with apt-get unless it is there already (then this costs nothing): as
 * root, or through `sudo -n` otherwise. Returns the browser's path.
 */
export function ensureChromium(log: (line: string) => void = (line) => console.log(`[chromium] ${line}`)): string {
  if (existsSync(CHROMIUM_PATH)) return CHROMIUM_PATH;
  log(`${CHROMIUM_PATH} is missing; installing ${PACKAGES.join(' and ')} with apt-get (once per machine)`);
  const apt = { component: 'chromium', packages: PACKAGES };
  aptGet(['update', '-q'], apt);
  aptGet(['install', '-y', '-q', '--no-install-recommends', ...PACKAGES], apt);
  if (!existsSync(CHROMIUM_PATH)) throw new InfraError('chromium', `apt-get installed ${PACKAGES.join(', ')}, yet ${CHROMIUM_PATH} is not there`);
  log(`installed ${CHROMIUM_PATH}`);
  return CHROMIUM_PATH;
}
