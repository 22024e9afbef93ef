import { spawnSync } from 'node:child_process';
import { InfraError } from './infra-error';

/** `command` run as root: itself when this process is root, else through `sudo -n`, which fails rather than asking for a password. */
export function asRoot(command: string, args: string[]): { command: string; args: string[]; isRoot: boolean } {
  const isRoot = process.getuid?.() === 0;
  return isRoot ? { command, args, isRoot } : { command: 'sudo', args: ['-n', command, ...args], isRoot };
}

/**
 * Runs apt-get as root, or through `sudo -n` otherwise, for what the tests take from Debian's
 * packages. A failure is `component`'s, and says to install `packages` by hand or to allow sudo.
 */
export function aptGet(args: string[], { component, packages, cwd }: { component: string; packages: string[]; cwd?: string }): void {
  const apt = asRoot('apt-get', args);
  const result = spawnSync(apt.command, apt.args, { cwd, stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  if (result.status !== 0) {
    const why = result.error?.message ?? `exit code ${result.status}`;
    throw new InfraError(component, `${apt.command} ${apt.args.join(' ')} failed (${why}); install Debian's ${packages.join(' and ')} packages as root${apt.isRoot ? '' : ', or allow this user sudo without a password'}`);
  }
}
