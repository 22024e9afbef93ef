import { setTimeout as sleep } from 'node:timers/promises';

/** Calls `send(index)` `count` times at `ratePerSecond`, without waiting for one call before the next; returns the achieved rate. */
export async function atRate(count: number, ratePerSecond: number, send: (index: number) => Promise<void>): Promise<number> {
  const started = performance.now();
  await Promise.all(
    Array.from({ length: count }, async (_, index) => {
      await sleep((index * 1_000) / ratePerSecond);
      await send(index);
    }),
  );
  return count / ((performance.now() - started) / 1_000);
}
