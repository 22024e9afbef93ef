import { EnsembleError } from './ensemble-error';
import { pollUntil, WaitTimedOut } from './poll-until';

describe('pollUntil', () => {
  it('resolves with the first answer that is not undefined, null or false, zero included', async () => {
    const answers = [undefined, null, false, 0, 7];
    let checks = 0;
    await expect(pollUntil(() => answers[checks++], { intervalMs: 1, description: 'an answer' })).resolves.toBe(0);
    expect(checks).toBe(4);
  });

  it('polls through retriable errors', async () => {
    let checks = 0;
    const value = await pollUntil(async () => {
      if (++checks < 3) throw new Error('not listening yet');
      return 'up';
    }, { intervalMs: 1, timeoutMs: 1_000, description: 'the server to answer' });
    expect(value).toBe('up');
    expect(checks).toBe(3);
  });

  it('ends at once on an error that says waiting cannot help', async () => {
    let checks = 0;
    await expect(
      pollUntil(async () => {
        checks++;
        throw new EnsembleError('the process exited', { retriable: false });
      }, { intervalMs: 1, timeoutMs: 1_000, description: 'the server to answer' }),
    ).rejects.toThrow('the process exited');
    expect(checks).toBe(1);
  });

  describe('without a deadline', () => {
    it('polls again only after an error that says itself it is retriable', async () => {
      let checks = 0;
      const value = await pollUntil(async () => {
        if (++checks < 3) throw new EnsembleError('the service is restarting', { retriable: true });
        return 'up';
      }, { intervalMs: 1, description: 'the replay to finish' });
      expect(value).toBe('up');
      expect(checks).toBe(3);
    });

    it('ends at once on an error that says nothing of itself, which would otherwise be polled forever', async () => {
      let checks = 0;
      await expect(
        pollUntil(async () => {
          checks++;
          throw new TypeError("Cannot read properties of undefined (reading 'finishedAt')");
        }, { intervalMs: 1, description: 'the replay to finish' }),
      ).rejects.toThrow(TypeError);
      expect(checks).toBe(1);
    });
  });

  it('times out naming what it waited for and the last answer', async () => {
    const waiting = pollUntil(async () => false, { intervalMs: 5, timeoutMs: 30, description: 'the backlog to drain' });
    await expect(waiting).rejects.toBeInstanceOf(WaitTimedOut);
    await expect(waiting).rejects.toThrow('timed out after 30 ms waiting for the backlog to drain (last answer: false)');
  });

  it('times out naming the last error when the check kept failing', async () => {
    await expect(
      pollUntil(async () => {
        throw new Error('connection refused');
      }, { intervalMs: 5, timeoutMs: 30, description: 'orders to answer /health' }),
    ).rejects.toThrow('timed out after 30 ms waiting for orders to answer /health (last error: connection refused)');
  });

  it('checks once more at the deadline', async () => {
    const started = Date.now();
    const value = await pollUntil(async () => Date.now() - started >= 40 && 'late', { intervalMs: 1_000, timeoutMs: 40, description: 'the deadline' });
    expect(value).toBe('late');
  });

  it('ends when its signal is aborted, with the signal’s reason', async () => {
    const stop = new AbortController();
    setTimeout(() => stop.abort(new Error('cancelled')), 10);
    await expect(pollUntil(async () => undefined, { intervalMs: 60_000, description: 'never', signal: stop.signal })).rejects.toThrow('cancelled');
  });
});
