import { DataSource, EntityManager } from 'typeorm';
import { EnsembleEvent } from '@ensemble/events';
import { DeliveredEvent } from '@ensemble/inbox';
import { DeliveredRecord, EventApplier } from './event-applier';
import { NonRetriableError } from './failure';

jest.mock('@ensemble/inbox', () => ({
  recordProcessed: async (_manager: unknown, events: DeliveredEvent[]) => ({ fresh: new Set(events.map((event) => event.eventId)), conflicting: new Set() }),
}));

const record = (offset: number): DeliveredRecord => ({
  event: { envelope: { eventId: `00000000-0000-4000-8000-00000000000${offset}`, eventType: 'PaymentCompleted', aggregateId: `p-${offset}` } } as unknown as EnsembleEvent,
  delivery: { topic: 'payments.payment-completed', partition: 0, offset: String(offset), headers: {} },
});

const deadlock = () => Object.assign(new Error('deadlock detected'), { code: '40P01' });
const refused = () => Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });

/** A database whose transactions fail with what `failures` yields, then commit. */
function databaseFailing(failures: Array<() => Error>, { downForQueries = 0 } = {}) {
  const transactions: number[] = [];
  let queriesRefused = 0;
  const dataSource = {
    transaction: async (work: (manager: EntityManager) => Promise<unknown>) => {
      transactions.push(transactions.length + 1);
      const failure = failures.shift();
      if (failure) throw failure();
      return work({ query: async () => undefined } as unknown as EntityManager);
    },
    query: async () => {
      if (queriesRefused++ < downForQueries) throw refused();
    },
  } as unknown as DataSource;
  return { dataSource, transactions };
}

const control = { heartbeat: async () => undefined, stopping: () => false };

describe('EventApplier', () => {
  it('tries a retriable failure again in place and applies the records', async () => {
    const { dataSource, transactions } = databaseFailing([deadlock, deadlock]);
    const dispatched: string[] = [];
    const applier = new EventApplier(dataSource, async (_pattern, event) => Boolean(dispatched.push(event.envelope.aggregateId)), 3);
    await expect(applier.apply([record(1), record(2)], {}, control)).resolves.toEqual([]);
    expect(transactions).toHaveLength(3);
    expect(dispatched).toEqual(['p-1', 'p-2']);
  });

  it('returns a record that keeps failing as retriable once its attempts are spent', async () => {
    const { dataSource, transactions } = databaseFailing([deadlock, deadlock, deadlock]);
    const applier = new EventApplier(dataSource, async () => true, 3);
    const [failed] = await applier.apply([record(1)], {}, control);
    expect(failed.failure).toMatchObject({ kind: 'retriable', reason: 'handler-failed' });
    expect(transactions).toHaveLength(3);
  });

  it('does not try a permanent failure again', async () => {
    const { dataSource, transactions } = databaseFailing([() => new NonRetriableError('contradicts the state')]);
    const applier = new EventApplier(dataSource, async () => true, 3);
    const [failed] = await applier.apply([record(1)], {}, control);
    expect(failed.failure).toMatchObject({ kind: 'permanent', reason: 'non-retriable' });
    expect(transactions).toHaveLength(1);
  });

  it('waits out a database outage without spending attempts, and reports the wait', async () => {
    // The outage would spend the only attempt if it counted.
    const { dataSource, transactions } = databaseFailing([refused], { downForQueries: 2 });
    const applier = new EventApplier(dataSource, async () => true, 1);
    const waits: number[] = [];
    applier.on('databaseUnavailable', ({ retryInMs }) => waits.push(retryInMs));
    await expect(applier.apply([record(1)], {}, control)).resolves.toEqual([]);
    expect(transactions).toHaveLength(2);
    expect(waits).toHaveLength(2);
  });

  it('gives an outage up when its caller stops, throwing it with the records left uncommitted', async () => {
    const { dataSource } = databaseFailing([refused], { downForQueries: 100 });
    const applier = new EventApplier(dataSource, async () => true, 3);
    await expect(applier.apply([record(1)], {}, { ...control, stopping: () => true })).rejects.toThrow('ECONNREFUSED');
  });

  describe('when the heartbeat finds the group rebalanced', () => {
    const rebalancing = () => Object.assign(new Error('The group is rebalancing, so a rejoin is needed'), { type: 'REBALANCE_IN_PROGRESS', retriable: false });
    const lostControl = { ...control, heartbeat: async () => Promise.reject(rebalancing()) };

    it("throws the heartbeat's own error between attempts, blaming no record", async () => {
      const { dataSource, transactions } = databaseFailing([deadlock, deadlock]);
      const applier = new EventApplier(dataSource, async () => true, 3);
      await expect(applier.apply([record(1), record(2)], {}, lostControl)).rejects.toMatchObject({ type: 'REBALANCE_IN_PROGRESS' });
      expect(transactions).toHaveLength(1);
    });

    it('throws it while waiting out a database outage, blaming no record', async () => {
      const { dataSource } = databaseFailing([refused], { downForQueries: 100 });
      const applier = new EventApplier(dataSource, async () => true, 3);
      await expect(applier.apply([record(1)], {}, lostControl)).rejects.toMatchObject({ type: 'REBALANCE_IN_PROGRESS' });
    });
  });

  it('reports each committed transaction with its records', async () => {
    const { dataSource } = databaseFailing([]);
    const applier = new EventApplier(dataSource, async () => true, 3);
    const committed: number[] = [];
    applier.on('committed', ({ records }) => committed.push(records.length));
    await applier.apply([record(1), record(2)], {}, control);
    expect(committed).toEqual([2]);
  });
});
