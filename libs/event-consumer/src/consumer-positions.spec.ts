import { ConsumerPositions } from './consumer-positions';

const PAYMENTS = 'payments.payment-completed';
const RETRY = 'crm.retry-1';
const NOW = 1_800_000_000_000;

/** What Kafka tells of a partition: the group's committed offset (or the first offset where it committed none) and the partition's end. */
const kafkaSays = (topic: string, partition: number, committed: number, end: number) => ({ topic, partition, committed, end, lag: Math.max(0, end - committed) });

describe('ConsumerPositions', () => {
  let positions: ConsumerPositions;

  beforeEach(() => {
    positions = new ConsumerPositions();
    positions.assign('crm', [
      { topic: PAYMENTS, partition: 0 },
      { topic: PAYMENTS, partition: 1 },
      { topic: RETRY, partition: 0 },
    ]);
  });

  it('names the group and the topics of the partitions it owns, and nothing while it owns none', () => {
    expect(positions.ownership).toEqual({ group: 'crm', topics: [PAYMENTS, RETRY] });
    positions.assign('crm', []);
    expect(positions.ownership).toBeUndefined();
  });

  it('measures from the position applied, ahead of the committed offset', () => {
    positions.moved({ topic: PAYMENTS, partition: 0, next: '7', end: '10', nextWrittenAt: NOW - 2_000 });
    expect(positions.lag([kafkaSays(PAYMENTS, 0, 5, 12)], NOW)).toEqual([{ topic: PAYMENTS, partition: 0, records: 5, seconds: 2 }]);
  });

  it('measures a partition it has fetched nothing from since it was assigned (an idle one) from the committed offset', () => {
    expect(positions.lag([kafkaSays(PAYMENTS, 1, 4, 4), kafkaSays(RETRY, 0, 0, 0)], NOW)).toEqual([
      { topic: PAYMENTS, partition: 1, records: 0, seconds: 0 },
      { topic: RETRY, partition: 0, records: 0, seconds: 0 },
    ]);
  });

  it('counts to the end its last fetch saw when that is later than what Kafka told', () => {
    positions.moved({ topic: PAYMENTS, partition: 0, next: '20', end: '30', nextWrittenAt: NOW - 1_000 });
    expect(positions.lag([kafkaSays(PAYMENTS, 0, 10, 25)], NOW)[0].records).toBe(10);
    positions.moved({ topic: PAYMENTS, partition: 0, next: '30', end: '30', nextWrittenAt: NOW - 500 });
    expect(positions.lag([kafkaSays(PAYMENTS, 0, 10, 25)], NOW)[0]).toEqual({ topic: PAYMENTS, partition: 0, records: 0, seconds: 0 });
  });

  it('tells the age of the oldest record not applied from when the consumer\'s fetches say it was written, and 0 once caught up', () => {
    positions.moved({ topic: PAYMENTS, partition: 0, next: '3', end: '9', nextWrittenAt: NOW - 30_000 });
    expect(positions.lag([kafkaSays(PAYMENTS, 0, 3, 9)], NOW)[0].seconds).toBe(30);
    positions.moved({ topic: PAYMENTS, partition: 0, next: '6', end: '9', nextWrittenAt: NOW - 4_000 });
    expect(positions.lag([kafkaSays(PAYMENTS, 0, 6, 9)], NOW)[0].seconds).toBe(4);
    positions.moved({ topic: PAYMENTS, partition: 0, next: '9', end: '9', nextWrittenAt: NOW - 4_000 });
    expect(positions.lag([kafkaSays(PAYMENTS, 0, 9, 9)], NOW)).toEqual([{ topic: PAYMENTS, partition: 0, records: 0, seconds: 0 }]);
  });

  it('counts records it has not fetched yet from when a scrape first saw them, never overstating their age', () => {
    positions.moved({ topic: PAYMENTS, partition: 0, next: '9', end: '9', nextWrittenAt: NOW - 60_000 });
    expect(positions.lag([kafkaSays(PAYMENTS, 0, 9, 11)], NOW)[0]).toEqual({ topic: PAYMENTS, partition: 0, records: 2, seconds: 0 });
    expect(positions.lag([kafkaSays(PAYMENTS, 0, 9, 12)], NOW + 15_000)[0]).toEqual({ topic: PAYMENTS, partition: 0, records: 3, seconds: 15 });
    // Fetched at last: their own timestamp.
    positions.moved({ topic: PAYMENTS, partition: 0, next: '9', end: '12', nextWrittenAt: NOW - 1_000 });
    expect(positions.lag([kafkaSays(PAYMENTS, 0, 9, 12)], NOW + 16_000)[0].seconds).toBe(17);
  });

  it('forgets the partitions it no longer owns, and ignores where a batch of one left after it was revoked stands', () => {
    positions.moved({ topic: PAYMENTS, partition: 1, next: '2', end: '8', nextWrittenAt: NOW });
    positions.assign('crm', [{ topic: PAYMENTS, partition: 0 }]);
    positions.moved({ topic: PAYMENTS, partition: 1, next: '3', end: '8', nextWrittenAt: NOW });
    expect(positions.lag([kafkaSays(PAYMENTS, 0, 0, 0), kafkaSays(PAYMENTS, 1, 2, 8)], NOW).map(({ partition }) => partition)).toEqual([0]);
    positions.assign('crm', [{ topic: PAYMENTS, partition: 1 }]);
    expect(positions.lag([kafkaSays(PAYMENTS, 1, 2, 8)], NOW)).toEqual([{ topic: PAYMENTS, partition: 1, records: 6, seconds: 0 }]);
  });

  it('keeps where it stands on a partition it still owns after the group rebalanced', () => {
    positions.moved({ topic: PAYMENTS, partition: 0, next: '7', end: '10', nextWrittenAt: NOW - 5_000 });
    positions.assign('crm', [{ topic: PAYMENTS, partition: 0 }]);
    expect(positions.lag([kafkaSays(PAYMENTS, 0, 6, 10)], NOW)).toEqual([{ topic: PAYMENTS, partition: 0, records: 3, seconds: 5 }]);
  });
});
