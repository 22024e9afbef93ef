import { DataSource } from 'typeorm';
import { AdvisoryLease, SessionQuery } from './advisory-lease';

/** A session that records its statements and answers each lock attempt with `free`. */
function sessionRecording(statements: Array<[string, unknown[]]>, free = true): SessionQuery {
  return async (sql, parameters) => {
    statements.push([sql, parameters]);
    return [{ taken: free, holders: 2 }];
  };
}

describe('AdvisoryLease', () => {
  it('locks a name by its server-side hash, and a pair of integers as a key space and a key', async () => {
    const statements: Array<[string, unknown[]]> = [];
    const query = sessionRecording(statements);

    await new AdvisoryLease(query, 'crm.rebuild').tryTake();
    await new AdvisoryLease(query, [0x0b0c_0001, 3]).take();
    await new AdvisoryLease(query, [0x0b0c_0001, 3]).release();

    expect(statements).toEqual([
      ['SELECT pg_try_advisory_lock(hashtext($1)) AS taken', ['crm.rebuild']],
      ['SELECT pg_advisory_lock($1, $2)', [0x0b0c_0001, 3]],
      ['SELECT pg_advisory_unlock($1, $2)', [0x0b0c_0001, 3]],
    ]);
  });

  it('answers whether the lease was free', async () => {
    expect(await new AdvisoryLease(sessionRecording([], true), 'a').tryTake()).toBe(true);
    expect(await new AdvisoryLease(sessionRecording([], false), 'a').tryTake()).toBe(false);
  });

  describe('on a connection of its own', () => {
    function dataSourceWith(answer: (sql: string) => Promise<unknown[]>) {
      const session = {
        isReleased: false,
        connect: async () => undefined,
        query: (sql: string) => answer(sql),
        release: jest.fn(async () => void (session.isReleased = true)),
        // TypeORM's own way to hand a connection back with an error, which makes the pool close it.
        releasePostgresConnection: jest.fn(async (_error: unknown) => void (session.isReleased = true)),
      };
      return { session, dataSource: { createQueryRunner: () => session } as unknown as DataSource };
    }

    it('hands the connection back when another session holds the lease', async () => {
      const { session, dataSource } = dataSourceWith(async () => [{ taken: false }]);

      expect(await AdvisoryLease.tryTakeOnOwnConnection(dataSource, 'crm.rebuild')).toBeUndefined();
      expect(session.release).toHaveBeenCalledTimes(1);
    });

    it('gives the lock up before handing the connection back, since a pooled connection keeps its session locks', async () => {
      const statements: string[] = [];
      const { session, dataSource } = dataSourceWith(async (sql) => (statements.push(sql), [{ taken: true }]));

      const held = await AdvisoryLease.takeOnOwnConnection(dataSource, 'replay_1');
      await held.release();
      await held.release();

      expect(statements).toEqual(['SELECT pg_advisory_lock(hashtext($1))', 'SELECT pg_advisory_unlock(hashtext($1))']);
      expect(session.release).toHaveBeenCalledTimes(1);
    });

    it('closes the connection instead of handing it back, lock and all, when giving the lock up fails', async () => {
      const { session, dataSource } = dataSourceWith(async (sql) => {
        if (sql.includes('unlock')) throw new Error('Connection terminated');
        return [{ taken: true }];
      });

      const held = await AdvisoryLease.takeOnOwnConnection(dataSource, 'replay_1');

      await expect(held.release()).rejects.toThrow('Connection terminated');
      expect(session.releasePostgresConnection).toHaveBeenCalledWith(expect.objectContaining({ message: 'Connection terminated' }));
      expect(session.release).not.toHaveBeenCalled();
    });
  });
});
