import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { InfraError } from './infra-error';

const JVM_ROOT = '/usr/lib/jvm';

/**
 * The `java` executable of a JDK of at least `minimumMajor`: the one under `preferredHome` if given,
 * otherwise `java` on the PATH if new enough, otherwise the newest under /usr/lib/jvm.
 */
export function findJava(component: string, minimumMajor: number, preferredHome?: string): string {
  if (preferredHome) {
    const java = join(preferredHome, 'bin', 'java');
    const major = majorVersion(java);
    if (major === undefined || major < minimumMajor) {
      throw new InfraError(component, `${java} is not a Java ${minimumMajor}+ runtime (found ${major ?? 'nothing'})`);
    }
    return java;
  }
  const candidates = [
    'java',
    ...(existsSync(JVM_ROOT) ? readdirSync(JVM_ROOT).map((home) => join(JVM_ROOT, home, 'bin', 'java')) : []),
  ]
    .map((java) => ({ java, major: majorVersion(java) }))
    .filter((candidate): candidate is { java: string; major: number } => (candidate.major ?? 0) >= minimumMajor)
    .sort((a, b) => b.major - a.major);
  if (candidates.length === 0) {
    throw new InfraError(
      component,
      `needs a Java ${minimumMajor}+ runtime and found none on the PATH or under ${JVM_ROOT}; install one or point SCHEMA_REGISTRY_JAVA_HOME at it`,
    );
  }
  return candidates[0].java;
}

function majorVersion(java: string): number | undefined {
  const result = spawnSync(java, ['-version'], { encoding: 'utf8' });
  const match = /version "(\d+)(?:\.(\d+))?/.exec(`${result.stderr ?? ''}`);
  if (!match) return undefined;
  const first = Number(match[1]);
  return first === 1 ? Number(match[2]) : first;
}
