import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { DataSource, MixedList } from 'typeorm';

export interface ScratchDatabase {
  url: string;
  drop(): Promise<void>;
}

/**
 * A throwaway database beside `serverUrl`'s, with `migrations` applied: specs and benchmarks that
 * need a service's tables without its running processes touching their rows.
 */
export async function createScratchDatabase(serverUrl: string, prefix: string, migrations: MixedList<Function>): Promise<ScratchDatabase> {
  const name = `${prefix}_${randomUUID().slice(0, 8)}`;
  const maintenance = new URL(serverUrl);
  maintenance.pathname = '/postgres';
  const admin = new Client({ connectionString: maintenance.toString() });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const dataSource = new DataSource({ type: 'postgres', url: url.toString(), migrations });
  await dataSource.initialize();
  await dataSource.runMigrations();
  await dataSource.destroy();
  return {
    url: url.toString(),
    drop: async () => {
      await admin.query(`DROP DATABASE ${name} WITH (FORCE)`);
      await admin.end();
    },
  };
}
