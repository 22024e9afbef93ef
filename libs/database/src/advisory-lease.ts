import { DataSource, QueryRunner } from 'typeorm';

/**
 * The key of a PostgreSQL advisory lock: a name, which the server hashes (`hashtext`), or a pair of
 * integers, a key space and a key in it, so that a key space's holders can be counted in `pg_locks`.
 */
export type AdvisoryLockKey = string | readonly [space: number, key: number];

/** Runs a statement on one connection held by the caller: a pg client's rows, or a TypeORM QueryRunner's `query`. */
export type SessionQuery = (sql: string, parameters: unknown[]) => Promise<Array<Record<string, unknown>>>;

/**
 * A lease held as a session-level advisory lock: it outlives the transactions of its connection and
 * ends with the connection, so a process that dies, or loses its database connection, loses its
 * leases with it and another can take them. Transaction-level locks would end at every commit, and
 * none of the leases here lives inside one transaction.
 */
export class AdvisoryLease {
  constructor(
    private readonly query: SessionQuery,
    readonly key: AdvisoryLockKey,
  ) {}

  /**
   * Takes the lease on a connection of its own from the pool, which `release` hands back; undefined
   * (and the connection handed back) when another session holds it.
   */
  static async tryTakeOnOwnConnection(dataSource: DataSource, key: AdvisoryLockKey): Promise<HeldLease | undefined> {
    const session = await connect(dataSource);
    const lease = new AdvisoryLease((sql, parameters) => session.query(sql, parameters), key);
    if (await lease.tryTake().catch(releasing(session))) return new HeldLease(lease, session);
    await session.release();
    return undefined;
  }

  /** Waits until no other session holds the lease, then takes it on a connection of its own, which `release` hands back. */
  static async takeOnOwnConnection(dataSource: DataSource, key: AdvisoryLockKey): Promise<HeldLease> {
    const session = await connect(dataSource);
    const lease = new AdvisoryLease((sql, parameters) => session.query(sql, parameters), key);
    await lease.take().catch(releasing(session));
    return new HeldLease(lease, session);
  }

  /** How many sessions hold a lease in `space` (keys given as pairs), in the current database. */
  static async countHolders(query: SessionQuery, space: number): Promise<number> {
    const [{ holders }] = await query(
      `SELECT count(*)::int AS holders FROM pg_locks
        WHERE locktype = 'advisory' AND granted AND objsubid = 2 AND classid::bigint = $1
          AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
      [space],
    );
    return holders as number;
  }

  /** Takes the lease if no other session holds it; true when this session holds it now. */
  async tryTake(): Promise<boolean> {
    const [{ taken }] = await this.query(`SELECT pg_try_advisory_lock(${this.keyArguments}) AS taken`, this.keyParameters);
    return taken as boolean;
  }

  /** Waits until no other session holds the lease, then takes it. */
  async take(): Promise<void> {
    await this.query(`SELECT pg_advisory_lock(${this.keyArguments})`, this.keyParameters);
  }

  /** Gives the lease up; the connection stays the caller's. */
  async release(): Promise<void> {
    await this.query(`SELECT pg_advisory_unlock(${this.keyArguments})`, this.keyParameters);
  }

  private get keyArguments(): string {
    return typeof this.key === 'string' ? 'hashtext($1)' : '$1, $2';
  }

  private get keyParameters(): unknown[] {
    return typeof this.key === 'string' ? [this.key] : [...this.key];
  }
}

/** A lease on a connection of its own: releasing it gives the lease up and hands the connection back to the pool. */
export class HeldLease {
  constructor(
    private readonly lease: AdvisoryLease,
    private readonly session: QueryRunner,
  ) {}

  /**
   * A pooled connection keeps its session locks when handed back, so the lock is given up first;
   * when that fails, the connection is closed instead, which ends its session and every lock in it.
   */
  async release(): Promise<void> {
    if (this.session.isReleased) return;
    try {
      await this.lease.release();
    } catch (error) {
      await closeSession(this.session, error);
      throw error;
    }
    await this.session.release();
  }
}

async function connect(dataSource: DataSource): Promise<QueryRunner> {
  const session = dataSource.createQueryRunner();
  await session.connect();
  return session;
}

function releasing(session: QueryRunner): (error: unknown) => Promise<never> {
  return async (error) => {
    await session.release();
    throw error;
  };
}

/** Closes the session's connection rather than hand it back to the pool: the pool destroys a connection released with an error. */
async function closeSession(session: QueryRunner, error: unknown): Promise<void> {
  await (session as QueryRunner & { releasePostgresConnection(error: unknown): Promise<void> }).releasePostgresConnection(error);
}
