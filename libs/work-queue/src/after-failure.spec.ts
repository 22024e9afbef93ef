import { afterFailure } from './after-failure';

describe('afterFailure', () => {
  const delays = [200, 400, 800];

  it('sends a job that failed for the first time to the first delay, counting one failed attempt', () => {
    expect(afterFailure('q', 0, delays)).toEqual({ kind: 'retry', queue: 'q.delay-200', delayMs: 200, attempts: 1 });
  });

  it('sends each later failure to the next delay', () => {
    expect(afterFailure('q', 1, delays)).toEqual({ kind: 'retry', queue: 'q.delay-400', delayMs: 400, attempts: 2 });
    expect(afterFailure('q', 2, delays)).toEqual({ kind: 'retry', queue: 'q.delay-800', delayMs: 800, attempts: 3 });
  });

  it('dead-letters a job once it has failed one more time than there are delays', () => {
    expect(afterFailure('q', 3, delays)).toEqual({ kind: 'dead-letter', queue: 'q.dead-letter', attempts: 4 });
  });

  it('dead-letters a job whose count is beyond the delays, as a forged header may claim', () => {
    expect(afterFailure('q', 1_000_000, delays)).toEqual({ kind: 'dead-letter', queue: 'q.dead-letter', attempts: 1_000_001 });
  });
});
