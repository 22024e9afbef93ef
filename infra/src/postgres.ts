import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { InfraError } from './infra-error';
import { InfraConfig } from './infra-config';
import { Progress } from './local-server';
import { waitUntil } from './wait-until';

const NAME = 'postgres';

/**
 * The machine's own PostgreSQL. infra:up starts its cluster only if it is down, and then remembers
 * that it did, so that infra:down stops only what infra:up started.
 */
export class LocalPostgres {
  private readonly startedMarker: string;

  constructor(private readonly config: InfraConfig) {
    this.startedMarker = join(config.runDir, 'postgres.started-by-ensemble');
  }

  /** Every database that infra:up creates: one per service, and the registry's. */
  get databaseUrls(): string[] {
    return [...Object.values(this.config.platform.databases), this.config.schemaRegistryDatabaseUrl];
  }

  async ensureRunning(progress: Progress): Promise<'already running' | 'started'> {
    const serverUrl = maintenanceUrl(this.config.schemaRegistryDatabaseUrl);
    if (await answers(serverUrl)) return 'already running';
    progress(NAME, `no answer at ${new URL(serverUrl).host}; starting the local cluster`);
    startLocalClusters();
    writeFileSync(this.startedMarker, new Date().toISOString());
    const answered = await waitUntil(() => answers(serverUrl), {
      description: 'PostgreSQL to answer',
      timeoutMs: 30_000,
      onStillWaiting: (seconds) => progress(NAME, `waiting for PostgreSQL… ${seconds}s`),
    });
    if (!answered) {
      throw new InfraError(NAME, `no answer at ${new URL(serverUrl).host} after starting it`, '/var/log/postgresql/');
    }
    return 'started';
  }

  /** Creates the databases that do not exist yet; touches nothing else on the server. */
  async ensureDatabases(progress: Progress): Promise<string[]> {
    const created: string[] = [];
    for (const url of this.databaseUrls) {
      const name = databaseName(url);
      const client = new Client({ connectionString: maintenanceUrl(url) });
      await client.connect();
      try {
        const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
        if (exists.rowCount === 0) {
          await client.query(`CREATE DATABASE "${name.replace(/"/g, '""')}"`);
          created.push(name);
          progress(NAME, `created database ${name}`);
        }
      } finally {
        await client.end();
      }
    }
    return created;
  }

  /** Drops every database that infra:up creates, ending the sessions still connected to them. */
  async dropDatabases(): Promise<void> {
    for (const url of this.databaseUrls) {
      const client = new Client({ connectionString: maintenanceUrl(url) });
      await client.connect();
      try {
        await client.query(`DROP DATABASE IF EXISTS "${databaseName(url).replace(/"/g, '""')}" WITH (FORCE)`);
      } finally {
        await client.end();
      }
    }
  }

  async isAnswering(): Promise<boolean> {
    return answers(maintenanceUrl(this.config.schemaRegistryDatabaseUrl));
  }

  /** Stops the cluster only if infra:up started it. */
  stopIfStartedByUs(): boolean {
    if (!existsSync(this.startedMarker)) return false;
    for (const version of clusterVersions()) {
      spawnSync('pg_ctlcluster', ['--skip-systemctl-redirect', version, 'main', 'stop'], { stdio: 'ignore' });
    }
    rmSync(this.startedMarker);
    return true;
  }
}

function clusterVersions(): string[] {
  return existsSync('/etc/postgresql') ? readdirSync('/etc/postgresql') : [];
}

function startLocalClusters(): void {
  const versions = clusterVersions();
  if (versions.length === 0) {
    throw new InfraError(NAME, 'no answer, and no local cluster under /etc/postgresql to start');
  }
  for (const version of versions) {
    const start = spawnSync('pg_ctlcluster', ['--skip-systemctl-redirect', version, 'main', 'start'], {
      encoding: 'utf8',
    });
    if (start.status !== 0) {
      throw new InfraError(NAME, `pg_ctlcluster ${version} main start failed: ${start.stderr}`, '/var/log/postgresql/');
    }
  }
}

function databaseName(url: string): string {
  return decodeURIComponent(new URL(url).pathname.slice(1));
}

/** The same server and credentials, connected to the `postgres` maintenance database. */
function maintenanceUrl(url: string): string {
  const maintenance = new URL(url);
  maintenance.pathname = '/postgres';
  return maintenance.toString();
}

async function answers(url: string): Promise<boolean> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 2_000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}
