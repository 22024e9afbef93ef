import { spawnSync } from 'node:child_process';
import { InfraError } from './infra-error';

/**
 * Runs apt-get as root, or through `sudo -n` otherwise, for what the tests take from Debian's
 * packages. A failure is `component`'s, and says to install `packages` by hand or to allow sudo.
 */
export function aptGet(args: string[], { component, packages, cwd }: { component: string; packages: string[]; cwd?: string }): void {
  const asRoot = process.getuid?.() === 0;
  const [command, ...rest] = asRoot ? ['apt-get', ...args] : ['sudo', '-n', 'apt-get', ...args];
  const result = spawnSync(command, rest, { cwd, stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  if (result.status !== 0) {
    const why = result.error?.message ?? `exit code ${result.status}`;
    throw new InfraError(component, `${command} ${rest.join(' ')} failed (${why}); install Debian's ${packages.join(' and ')} packages as root${asRoot ? '' : ', or allow this user sudo without a password'}`);
  }
}
