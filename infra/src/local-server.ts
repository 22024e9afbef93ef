import { DetachedProcess, runningPid, startDetached, stopDetached, tailOfLog } from '@ensemble/process';
import { InfraError } from './infra-error';
import { waitUntil } from './wait-until';

export type Progress = (component: string, message: string) => void;

/** A server that `infra:up` fetches, starts as a detached process and waits for until it answers. */
export interface LocalServer {
  name: string;
  /** Where clients reach it, for messages. */
  endpoint: string;
  process: DetachedProcess;
  startTimeoutMs: number;
  /** A real request: true once the server answers it. */
  isAnswering(): Promise<boolean>;
  /** Fetches what the server runs from (once; later runs find it in the cache). */
  install(progress: Progress): Promise<void>;
  /** Prepares its configuration and data, and starts it; returns the command and its arguments. */
  prepareLaunch(progress: Progress): Promise<{ command: string; args: string[]; cwd: string }>;
}

export type EnsureOutcome = 'already running' | 'started';

/** Whether a GET of `url` answers 2xx within 2 s: a real request, for a server that serves HTTP. */
export async function answersGet(url: string): Promise<boolean> {
  try {
    return (await fetch(url, { signal: AbortSignal.timeout(2_000) })).ok;
  } catch {
    return false;
  }
}

export async function ensureRunning(server: LocalServer, progress: Progress): Promise<EnsureOutcome> {
  if (await server.isAnswering()) return 'already running';
  const started = Date.now();
  if (runningPid(server.process) === undefined) {
    await server.install(progress);
    const { command, args, cwd } = await server.prepareLaunch(progress);
    startDetached(server.process, command, args, { cwd });
    progress(server.name, `starting (log: ${server.process.logFile})`);
  } else {
    progress(server.name, 'our process is up but not answering yet; waiting for it');
  }
  const answeredWhileRunning = async () => {
    if (await server.isAnswering()) return true;
    if (runningPid(server.process) === undefined) {
      throw new InfraError(server.name, `the process exited while starting. Last lines of its log:\n${tailOfLog(server.process.logFile)}`, server.process.logFile);
    }
    return false;
  };
  const answered = await waitUntil(answeredWhileRunning, {
    description: `${server.endpoint} to answer`,
    timeoutMs: server.startTimeoutMs,
    onStillWaiting: (seconds) => progress(server.name, `waiting for ${server.endpoint} to answer… ${seconds}s`),
  });
  if (!answered) {
    throw new InfraError(
      server.name,
      `no answer from ${server.endpoint} after ${server.startTimeoutMs / 1000}s`,
      server.process.logFile,
    );
  }
  progress(server.name, `ready on ${server.endpoint} in ${((Date.now() - started) / 1000).toFixed(1)}s`);
  return 'started';
}

export function stopServer(server: LocalServer): Promise<boolean> {
  return stopDetached(server.process);
}
