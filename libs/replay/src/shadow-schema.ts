import { DataSource, EntityManager, MigrationInterface } from 'typeorm';
import { AdvisoryLease, HeldLease, quoteIdentifier as quote } from '@ensemble/database';

/** The projection a live service reads from: its tables in the `public` schema. */
const LIVE = 'public';

/** Every replay builds into a schema named so; one that no replay holds a lease on is left over from a crash. */
const SHADOW_PREFIX = 'replay_';

/**
 * A service's projection rebuilt beside the live one: a PostgreSQL schema holding the tables that
 * the projection's migrations create, the inbox included, and nothing else. While a replay builds
 * it, the replay holds a session advisory lock named after it (its lease): a crashed replay loses
 * its connection and so its lease, and the next replay drops what it left.
 */
export class ShadowSchema {
  private constructor(
    readonly name: string,
    readonly tables: string[],
    private readonly lease: HeldLease,
  ) {}

  static nameFor(replayId: string): string {
    return `${SHADOW_PREFIX}${replayId}`;
  }

  static async create(dataSource: DataSource, replayId: string, migrations: MigrationInterface[]): Promise<ShadowSchema> {
    const name = ShadowSchema.nameFor(replayId);
    const lease = await AdvisoryLease.takeOnOwnConnection(dataSource, name);
    try {
      await dataSource.transaction(async (manager) => {
        await manager.query(`CREATE SCHEMA ${quote(name)}`);
        await manager.query(`SET LOCAL search_path TO ${quote(name)}`);
        for (const migration of migrations) await migration.up(manager.queryRunner!);
      });
      return new ShadowSchema(name, await tablesIn(dataSource.manager, name), lease);
    } catch (error) {
      await lease.release();
      throw error;
    }
  }

  /** Drops the schemas of replays that died (no lease held) and returns their names. */
  static async dropLeftovers(dataSource: DataSource): Promise<string[]> {
    const schemas: Array<{ name: string }> = await dataSource.query(
      `SELECT nspname AS name FROM pg_namespace WHERE starts_with(nspname, $1) ORDER BY nspname`,
      [SHADOW_PREFIX],
    );
    const dropped: string[] = [];
    const probe = dataSource.createQueryRunner();
    await probe.connect();
    try {
      for (const { name } of schemas) {
        const lease = new AdvisoryLease((sql, parameters) => probe.query(sql, parameters), name);
        if (!(await lease.tryTake())) continue;
        await probe.query(`DROP SCHEMA IF EXISTS ${quote(name)} CASCADE`);
        await lease.release();
        dropped.push(name);
      }
    } finally {
      await probe.release();
    }
    return dropped;
  }

  /** In the caller's transaction: locks the live tables against the live consumer, whose transactions wait. */
  async lockLive(manager: EntityManager): Promise<void> {
    await manager.query(`LOCK TABLE ${this.tables.map((table) => `${LIVE}.${quote(table)}`).join(', ')} IN ACCESS EXCLUSIVE MODE`);
  }

  /**
   * How many events the live inbox holds that the shadow's does not. The shadow may replace the live
   * projection only when that is 0: the live consumer has committed offsets past those events and
   * would not apply them again.
   */
  async countMissing(manager: EntityManager): Promise<number> {
    const [{ missing }] = await manager.query(
      `SELECT count(*)::int AS missing FROM ${LIVE}.processed_events live
        WHERE NOT EXISTS (SELECT 1 FROM ${quote(this.name)}.processed_events shadow WHERE shadow.event_id = live.event_id)`,
    );
    return missing;
  }

  /**
   * In the caller's transaction, after {@link lockLive}, once {@link countMissing} finds nothing missing: the
   * shadow tables take the live ones' place and the old ones are dropped. A live transaction that
   * was waiting on the lock resolves the table names again and writes to the new tables.
   */
  async replaceLive(manager: EntityManager): Promise<void> {
    const replaced = quote(`${this.name}_replaced`);
    await manager.query(`CREATE SCHEMA ${replaced}`);
    for (const table of this.tables) await manager.query(`ALTER TABLE ${LIVE}.${quote(table)} SET SCHEMA ${replaced}`);
    for (const table of this.tables) await manager.query(`ALTER TABLE ${quote(this.name)}.${quote(table)} SET SCHEMA ${LIVE}`);
    await manager.query(`DROP SCHEMA ${replaced} CASCADE`);
    await manager.query(`DROP SCHEMA ${quote(this.name)}`);
  }

  /** Keeps the shadow under another name (a point-in-time snapshot), without the lease that marks it as being built. */
  async keepAs(dataSource: DataSource, name: string): Promise<void> {
    await dataSource.transaction(async (manager) => {
      await manager.query(`DROP SCHEMA IF EXISTS ${quote(name)} CASCADE`);
      await manager.query(`ALTER SCHEMA ${quote(this.name)} RENAME TO ${quote(name)}`);
    });
    await this.release();
  }

  async drop(dataSource: DataSource): Promise<void> {
    await dataSource.query(`DROP SCHEMA IF EXISTS ${quote(this.name)} CASCADE`);
    await this.release();
  }

  async release(): Promise<void> {
    await this.lease.release();
  }
}

async function tablesIn(manager: EntityManager, schema: string): Promise<string[]> {
  const rows: Array<{ name: string }> = await manager.query(`SELECT tablename AS name FROM pg_tables WHERE schemaname = $1 ORDER BY tablename`, [schema]);
  return rows.map((row) => row.name);
}
