import { spawn } from 'node:child_process';
import { mkdirSync, openSync, closeSync } from 'node:fs';
import { dirname } from 'node:path';
import { VERSIONS } from './versions';
import { InfraError } from './infra-error';

/** Runs Maven in batch mode with its output in a log file; Maven's local repository caches what it downloads. */
export async function runMaven(component: string, args: string[], logFile: string, cwd: string): Promise<void> {
  mkdirSync(dirname(logFile), { recursive: true });
  const log = openSync(logFile, 'w');
  try {
    const exitCode = await new Promise<number>((resolve, reject) => {
      const child = spawn('mvn', ['-B', '--no-transfer-progress', ...args], { cwd, stdio: ['ignore', log, log] });
      child.on('error', (error) =>
        reject(new InfraError(component, `could not run mvn (is Maven installed?): ${error.message}`)),
      );
      child.on('exit', (code) => resolve(code ?? 1));
    });
    if (exitCode !== 0) throw new InfraError(component, `mvn exited with ${exitCode}`, logFile);
  } finally {
    closeSync(log);
  }
}

export function dependencyPlugin(goal: 'copy' | 'copy-dependencies'): string {
  return `org.apache.maven.plugins:maven-dependency-plugin:${VERSIONS.mavenDependencyPlugin}:${goal}`;
}
