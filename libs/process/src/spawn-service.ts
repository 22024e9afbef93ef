import { ChildProcess, spawn } from 'node:child_process';
import { closeSync, createWriteStream, mkdirSync, openSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import type { ProcessName } from '@ensemble/config';

const REPOSITORY_ROOT = join(__dirname, '..', '..', '..');

export interface SpawnServiceOptions {
  /** Appends the process's stdout and stderr to this file, creating its folder. */
  logFile: string;
  /** HTTP_PORT; left out, the service listens on its default port. */
  port?: number;
  /** Variables set over the inherited environment, NO_COLOR and HTTP_PORT. */
  env?: Record<string, string>;
  /** Node's own flags, before the entry file (`--cpu-prof`). */
  nodeArgs?: string[];
  /** Also hands each line of output here, after it is written to the log (npm start prints it, prefixed). */
  onLine?: (line: string) => void;
}

/**
 * Starts a service as its own OS process from `dist/apps/<service>/src/main.js` (what `npm run
 * build` writes), the way it runs in production, from the repository's root.
 */
export function spawnService(service: ProcessName, options: SpawnServiceOptions): ChildProcess {
  mkdirSync(dirname(options.logFile), { recursive: true });
  const entry = join(REPOSITORY_ROOT, 'dist', 'apps', service, 'src', 'main.js');
  const env = { ...process.env, NO_COLOR: '1', ...(options.port === undefined ? {} : { HTTP_PORT: String(options.port) }), ...options.env };
  const { onLine } = options;
  if (!onLine) {
    // Written by the child itself: nothing passes through this process, which may be measuring it.
    const log = openSync(options.logFile, 'a');
    try {
      return spawn(process.execPath, [...(options.nodeArgs ?? []), entry], { cwd: REPOSITORY_ROOT, env, stdio: ['ignore', log, log] });
    } finally {
      closeSync(log); // the child holds its own copy
    }
  }
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), entry], { cwd: REPOSITORY_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const log = createWriteStream(options.logFile, { flags: 'a' });
  for (const stream of [child.stdout!, child.stderr!]) {
    createInterface({ input: stream }).on('line', (line) => {
      log.write(`${line}\n`);
      onLine(line);
    });
  }
  // 'close', not 'exit': the last lines can arrive after the process has exited.
  child.once('close', () => log.end());
  return child;
}
