import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { pollUntil, WaitTimedOut } from '@ensemble/retry';

/**
 * A server process that outlives the command that started it: its own process group, output to a
 * log file, pid in a pid file. The pid file plus a marker on the command line is how `infra:down`
 * knows a process is ours before it stops it.
 */
export interface DetachedProcess {
  name: string;
  pidFile: string;
  logFile: string;
  /** Appears on the command line of the process; a recycled pid without it is not ours. */
  marker: string;
}

export function startDetached(
  process: DetachedProcess,
  command: string,
  args: string[],
  options: { cwd: string; env?: NodeJS.ProcessEnv },
): number {
  mkdirSync(dirname(process.logFile), { recursive: true });
  const log = openSync(process.logFile, 'a');
  try {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env ?? globalThis.process.env,
      detached: true,
      stdio: ['ignore', log, log],
    });
    if (child.pid === undefined) throw new Error(`could not start ${command}`);
    child.unref();
    writeFileSync(process.pidFile, `${child.pid}\n`);
    return child.pid;
  } finally {
    closeSync(log);
  }
}

/** The pid of our running process, or undefined when none of ours is running. */
export function runningPid(process: DetachedProcess): number | undefined {
  if (!existsSync(process.pidFile)) return undefined;
  const pid = Number(readFileSync(process.pidFile, 'utf8').trim());
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  try {
    const commandLine = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    return commandLine.includes(process.marker) ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** Stops our process (SIGTERM to its group, SIGKILL after the grace period). False when none was running. */
export async function stopDetached(process: DetachedProcess, graceMs = 30_000): Promise<boolean> {
  const pid = runningPid(process);
  rmSync(process.pidFile, { force: true });
  if (pid === undefined) return false;
  signalGroup(pid, 'SIGTERM');
  const exited = () => !isAlive(pid);
  await pollUntil(exited, { intervalMs: 100, timeoutMs: graceMs, description: `${process.name} to stop after SIGTERM` }).catch((error: unknown) => {
    if (!(error instanceof WaitTimedOut)) throw error;
    signalGroup(pid, 'SIGKILL');
  });
  await pollUntil(exited, { intervalMs: 50, description: `${process.name} to stop after SIGKILL` });
  return true;
}

/** Kills our process's whole group at once (SIGKILL), as a crash would, and waits until it is gone. False when none was running. */
export async function killDetached(process: DetachedProcess): Promise<boolean> {
  const pid = runningPid(process);
  rmSync(process.pidFile, { force: true });
  if (pid === undefined) return false;
  signalGroup(pid, 'SIGKILL');
  await pollUntil(() => !isAlive(pid), { intervalMs: 50, description: `${process.name} to stop after SIGKILL` });
  return true;
}

export function tailOfLog(logFile: string, lines = 15): string {
  if (!existsSync(logFile)) return '(no log yet)';
  return readFileSync(logFile, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    globalThis.process.kill(-pid, signal);
  } catch {
    // The group is already gone.
  }
}

function isAlive(pid: number): boolean {
  try {
    globalThis.process.kill(pid, 0);
  } catch {
    return false;
  }
  // A zombie still answers signal 0; its state in /proc says it has exited.
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}
