import { setTimeout as sleep } from 'node:timers/promises';

export interface WaitOptions {
  timeoutMs: number;
  intervalMs?: number;
  /** Called about every five seconds while waiting, with the seconds waited so far. */
  onStillWaiting?: (seconds: number) => void;
  /** Throws to stop waiting at once, e.g. when the process being waited for has died. */
  assertStillPossible?: () => void;
}

/** Polls `check` until it answers true; false when the time runs out. */
export async function waitUntil(check: () => Promise<boolean>, options: WaitOptions): Promise<boolean> {
  const started = Date.now();
  let lastReport = started;
  while (Date.now() - started < options.timeoutMs) {
    if (await check()) return true;
    options.assertStillPossible?.();
    if (Date.now() - lastReport >= 5_000) {
      lastReport = Date.now();
      options.onStillWaiting?.(Math.round((lastReport - started) / 1000));
    }
    await sleep(options.intervalMs ?? 250);
  }
  return check();
}
