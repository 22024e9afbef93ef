import { FAILURE_HEADERS } from './failure-topics';
import { readRetryHeaders } from './retry-headers';

const NOW = 1_800_000_000_000;
const bounds = { eventTopics: ['payments.payment-completed'], rounds: 3, longestDelayMs: 60_000 };
const valid = {
  [FAILURE_HEADERS.originalTopic]: 'payments.payment-completed',
  [FAILURE_HEADERS.originalPartition]: '4',
  [FAILURE_HEADERS.originalOffset]: '1234',
  [FAILURE_HEADERS.attempts]: '2',
  [FAILURE_HEADERS.retryAt]: String(NOW + 10_000),
};

describe('readRetryHeaders', () => {
  it('reads the original position, the attempts and the due time of a valid record', () => {
    expect(readRetryHeaders(valid, bounds, NOW)).toEqual({
      delivery: { topic: 'payments.payment-completed', partition: 4, offset: '1234', headers: valid },
      attempts: 2,
      retryAt: NOW + 10_000,
    });
  });

  it.each([
    ['a retry time beyond the longest delay', FAILURE_HEADERS.retryAt, String(NOW + 60_001), /ensemble-retry-at/],
    ['a retry time that is not a number', FAILURE_HEADERS.retryAt, 'soon', /ensemble-retry-at/],
    ['negative attempts', FAILURE_HEADERS.attempts, '-1', /ensemble-attempts/],
    ['attempts beyond the rounds', FAILURE_HEADERS.attempts, '4', /ensemble-attempts/],
    ['fractional attempts', FAILURE_HEADERS.attempts, '1.5', /ensemble-attempts/],
    ['an original topic the service does not consume', FAILURE_HEADERS.originalTopic, 'invoice.invoice-issued', /ensemble-original-topic/],
    ['a negative partition', FAILURE_HEADERS.originalPartition, '-3', /ensemble-original-partition/],
    ['an offset that is not a number', FAILURE_HEADERS.originalOffset, '12a', /ensemble-original-offset/],
  ])('refuses %s, naming the header', (_case, header, value, problem) => {
    expect(readRetryHeaders({ ...valid, [header]: value }, bounds, NOW)).toMatch(problem);
  });

  it('refuses a record that lacks its failure headers', () => {
    expect(typeof readRetryHeaders({}, bounds, NOW)).toBe('string');
  });
});
