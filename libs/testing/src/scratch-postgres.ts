import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';

/** The newest PostgreSQL server binaries that Debian's packages installed. */
function serverBinaries(): string {
  const root = '/usr/lib/postgresql';
  const [newest] = readdirSync(root).sort((a, b) => Number(b) - Number(a));
  if (!newest) throw new Error(`no PostgreSQL server under ${root}`);
  return join(root, newest, 'bin');
}

/**
 * A PostgreSQL server of a spec's own, in a temporary folder on its own port, for specs that stop
 * or restart the database: the machine's server, which `npm start` may be using, is never touched.
 * Runs as the current user, or as `postgres` when that is root (initdb refuses root).
 */
export class ScratchPostgres {
  private readonly bin = serverBinaries();
  private readonly dataDir: string;
  private readonly asPostgres = process.getuid?.() === 0;

  constructor(readonly port: number) {
    this.dataDir = mkdtempSync(join(tmpdir(), 'ensemble-scratch-pg-'));
    if (this.asPostgres) execFileSync('chown', ['postgres', this.dataDir]);
  }

  url(database: string): string {
    return `postgres://postgres@127.0.0.1:${this.port}/${database}`;
  }

  /** Creates the cluster and starts it, with the databases given. */
  async create(databases: string[]): Promise<this> {
    this.run('initdb', ['-D', this.dataDir, '-U', 'postgres', '-A', 'trust', '--no-sync']);
    this.start();
    const admin = new Client({ connectionString: this.url('postgres') });
    await admin.connect();
    for (const database of databases) await admin.query(`CREATE DATABASE "${database}"`);
    await admin.end();
    return this;
  }

  start(): void {
    this.run('pg_ctl', ['-D', this.dataDir, '-w', '-l', join(this.dataDir, 'server.log'), '-o', `-p ${this.port} -k ${this.dataDir} -c listen_addresses=127.0.0.1 -c fsync=off`, 'start']);
  }

  /** A fast shutdown: open sessions are ended, as in a restart of the real thing. */
  stop(): void {
    this.run('pg_ctl', ['-D', this.dataDir, '-w', '-m', 'fast', 'stop']);
  }

  destroy(): void {
    try {
      this.stop();
    } catch {
      // Already stopped.
    }
    rmSync(this.dataDir, { recursive: true, force: true });
  }

  private run(command: string, args: string[]): void {
    const binary = join(this.bin, command);
    if (this.asPostgres) execFileSync('runuser', ['-u', 'postgres', '--', binary, ...args], { stdio: 'ignore' });
    else execFileSync(binary, args, { stdio: 'ignore' });
  }
}
