import { Pool, PoolClient } from 'pg';
import { DataSource, EntityManager } from 'typeorm';

/**
 * Runs a statement as a named prepared statement of the connection it runs on, so that PostgreSQL
 * parses it once per connection instead of at every call: for a short statement run for every
 * record, such as the inbox's insert, parsing is a good part of the server's CPU. TypeORM cannot
 * name a statement, so this goes to the pg connection underneath: the transaction's, given an
 * EntityManager in a transaction, else one from the pool. `name` must be the same text's everywhere.
 * A statement is parsed again when the tables it names change or `search_path` does (as in a
 * replay's shadow schema).
 */
export async function preparedQuery<Row = Record<string, unknown>>(
  on: EntityManager | DataSource,
  name: string,
  text: string,
  values: unknown[],
): Promise<Row[]> {
  const connection: Pool | PoolClient = on instanceof DataSource ? poolOf(on) : on.queryRunner ? await on.queryRunner.connect() : poolOf(on.connection);
  const { rows } = await connection.query({ name, text, values });
  return rows as Row[];
}

function poolOf(dataSource: DataSource): Pool {
  return (dataSource.driver as unknown as { master: Pool }).master;
}
