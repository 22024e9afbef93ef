import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { aptGet } from './apt-get';
import { cachedDirectory } from './cached-download';
import { InfraError } from './infra-error';

/** The Debian package promtool comes in, beside the Prometheus server. */
const PACKAGE = 'prometheus';
const INSTALLED_PROMTOOL = '/usr/bin/promtool';

/** Where {@link ensurePromtool} keeps promtool when the package is not installed. */
const cachedPromtoolDir = (cacheDir: string) => join(cacheDir, 'promtool');

/**
 * Debian's promtool, which checks infra/prometheus/prometheus.yml: the installed one where the
 * prometheus package is installed, otherwise the one {@link ensurePromtool} keeps in the cache.
 */
export function promtoolPath(cacheDir: string): string {
  return existsSync(INSTALLED_PROMTOOL) ? INSTALLED_PROMTOOL : join(cachedPromtoolDir(cacheDir), 'promtool');
}

/**
 * Makes {@link promtoolPath} exist, unless it does already (then this costs nothing): downloads
 * Debian's prometheus package with apt-get (as root, or through `sudo -n`) and keeps its promtool
 * alone. The package is not installed: its postinst enables and starts a Prometheus server where
 * systemd runs, which would stay on port 9090 and collide with the one that README.md runs beside
 * `npm start` or that docker-compose.yml runs.
 */
export async function ensurePromtool(cacheDir: string, log: (line: string) => void = (line) => console.log(`[promtool] ${line}`)): Promise<string> {
  const path = promtoolPath(cacheDir);
  if (path === INSTALLED_PROMTOOL) return path;
  const dir = cachedPromtoolDir(cacheDir);
  await cachedDirectory(dir, async (scratch) => {
    log(`promtool is missing; taking it from Debian's ${PACKAGE} package, downloaded with apt-get into ${dir} (once per machine)`);
    const apt = { component: 'promtool', packages: [PACKAGE] };
    aptGet(['update', '-q'], apt);
    aptGet(['download', PACKAGE], { ...apt, cwd: scratch });
    const deb = readdirSync(scratch).find((name) => name.endsWith('.deb'));
    if (!deb) throw new InfraError('promtool', `apt-get download ${PACKAGE} left no .deb in ${scratch}`);
    const unpacked = join(scratch, 'unpacked');
    const extracted = spawnSync('dpkg-deb', ['--extract', join(scratch, deb), unpacked], { stdio: ['ignore', 'inherit', 'inherit'] });
    if (extracted.status !== 0) throw new InfraError('promtool', `dpkg-deb --extract ${deb} failed (${extracted.error?.message ?? `exit code ${extracted.status}`})`);
    renameSync(join(unpacked, 'usr', 'bin', 'promtool'), join(scratch, 'promtool'));
    rmSync(unpacked, { recursive: true });
    rmSync(join(scratch, deb));
    log(`kept ${path}`);
  });
  return path;
}
