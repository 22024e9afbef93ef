import { Client } from 'pg';

/**
 * A canonical checksum of tables: every row as PostgreSQL prints it, sorted, hashed. Two projections
 * with the same rows have the same checksum, whatever order or physical layout built them.
 */
export async function projectionChecksum(databaseUrl: string, tables: string[]): Promise<Record<string, string>> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const checksums: Record<string, string> = {};
    for (const table of tables) {
      const { rows } = await client.query(
        `SELECT count(*) AS rows, md5(coalesce(string_agg(row::text, E'\\n' ORDER BY row::text), '')) AS digest FROM ${table} row`,
      );
      checksums[table] = `${rows[0].rows} rows, md5 ${rows[0].digest}`;
    }
    return checksums;
  } finally {
    await client.end();
  }
}
