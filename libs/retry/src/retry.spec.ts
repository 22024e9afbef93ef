import { EnsembleError } from './ensemble-error';
import { endedBy, retry } from './retry';

const fast = { initialMs: 1, maxMs: 4 };
const transient = (message: string) => new EnsembleError(message, { retriable: true });

describe('retry', () => {
  it('tries again after each failure and resolves with the first success', async () => {
    const seen: number[] = [];
    const value = await retry(async (attempt) => {
      seen.push(attempt);
      if (attempt < 3) throw transient(`failure ${attempt}`);
      return 'done';
    }, fast);
    expect(value).toBe('done');
    expect(seen).toEqual([1, 2, 3]);
  });

  it('throws the last error once the attempts are spent', async () => {
    let calls = 0;
    await expect(
      retry(async (attempt) => {
        calls++;
        throw transient(`failure ${attempt}`);
      }, { ...fast, attempts: 4 }),
    ).rejects.toThrow('failure 4');
    expect(calls).toBe(4);
  });

  it('never waits longer than the maximum, and reports each wait before the attempt it precedes', async () => {
    const waits: Array<{ failures: number; delayMs: number }> = [];
    await expect(
      retry(async () => {
        throw transient('down');
      }, { initialMs: 1, maxMs: 3, attempts: 8, onRetry: (_error, next) => waits.push(next) }),
    ).rejects.toThrow('down');
    expect(waits.map(({ failures }) => failures)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(Math.max(...waits.map(({ delayMs }) => delayMs))).toBeLessThanOrEqual(3);
  });

  it('stops at once on an error that says no retry helps', async () => {
    let calls = 0;
    await expect(
      retry(async () => {
        calls++;
        throw new EnsembleError('contradicts the state', { retriable: false });
      }, fast),
    ).rejects.toThrow('contradicts the state');
    expect(calls).toBe(1);
  });

  it('stops at once when the attempt bails, with the error it bailed with', async () => {
    let calls = 0;
    const refused = new Error('refused for good');
    await expect(
      retry(async (_attempt, bail) => {
        calls++;
        bail(refused);
      }, fast),
    ).rejects.toBe(refused);
    expect(calls).toBe(1);
  });

  it('stops during a wait when its signal is aborted, with the signal’s reason', async () => {
    const stop = new AbortController();
    let calls = 0;
    const retrying = retry(async () => {
      calls++;
      setImmediate(() => stop.abort(new Error('closing')));
      throw transient('down');
    }, { initialMs: 60_000, maxMs: 60_000, signal: stop.signal, onRetry: () => undefined });
    await expect(retrying).rejects.toThrow('closing');
    expect(calls).toBe(1);
  });

  it('starts its backoff over once an attempt reports progress', async () => {
    const waits: number[] = [];
    const random = jest.spyOn(Math, 'random').mockReturnValue(1);
    try {
      await retry(async (attempt, _bail, progressed) => {
        if (attempt === 4) progressed();
        if (attempt < 6) throw transient('down');
      }, { initialMs: 1, maxMs: 100, onRetry: (_error, { delayMs }) => waits.push(delayMs) });
    } finally {
      random.mockRestore();
    }
    expect(waits).toEqual([1, 2, 4, 1, 2]);
  });

  it('reports the failures in a row since the last progress, not the attempts since the start', async () => {
    const reported: number[] = [];
    await retry(async (attempt, _bail, progressed) => {
      if (attempt === 3 || attempt === 5) progressed();
      if (attempt < 7) throw transient('down');
    }, { ...fast, onRetry: (_error, { failures }) => reported.push(failures) });
    expect(reported).toEqual([1, 2, 1, 2, 1, 2]);
  });
});

describe('endedBy', () => {
  it('takes the end its signal made as done, and rethrows any other failure', async () => {
    const stop = new AbortController();
    const forever = retry(async () => Promise.reject(new Error('away')), { initialMs: 1, maxMs: 1, signal: stop.signal });
    stop.abort();
    await expect(forever.catch(endedBy(stop.signal))).resolves.toBeUndefined();
    const bug = retry(async () => Promise.reject(new EnsembleError('a fault no wait fixes', { retriable: false })), { ...fast, signal: new AbortController().signal });
    await expect(bug.catch(endedBy(new AbortController().signal))).rejects.toThrow('a fault no wait fixes');
  });
});
