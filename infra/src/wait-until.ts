import { pollUntil, WaitTimedOut } from '@ensemble/retry';

export interface WaitOptions {
  /** What is awaited, e.g. "PostgreSQL to answer". */
  description: string;
  timeoutMs: number;
  intervalMs?: number;
  /** Called about every five seconds while waiting, with the seconds waited so far. */
  onStillWaiting?: (seconds: number) => void;
}

/**
 * {@link pollUntil} as `infra:up` waits for a server: saying every five seconds that it still
 * waits, and answering false when the time runs out. `check` throws a non-retriable error (an
 * InfraError) to stop at once, e.g. when the process being waited for has died.
 */
export async function waitUntil(check: () => Promise<boolean>, options: WaitOptions): Promise<boolean> {
  const started = Date.now();
  let lastReport = started;
  const checkAndReport = async () => {
    if (await check()) return true;
    if (Date.now() - lastReport >= 5_000) {
      lastReport = Date.now();
      options.onStillWaiting?.(Math.round((lastReport - started) / 1000));
    }
    return false;
  };
  try {
    return await pollUntil(checkAndReport, { description: options.description, timeoutMs: options.timeoutMs, intervalMs: options.intervalMs ?? 250 });
  } catch (error) {
    if (error instanceof WaitTimedOut) return false;
    throw error;
  }
}
