import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { execSync } from 'node:child_process';
import { cpus, totalmem } from 'node:os';
import { VERSIONS } from '../infra/src/versions';

/** What a result was measured on, written beside the figures. */
export function describeMachine() {
  const run = (command: string) => {
    try {
      return execSync(command, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
    } catch {
      return 'unknown';
    }
  };
  return {
    cores: cpus().length,
    cpu: cpus()[0]?.model ?? 'unknown',
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    java: run('java -version 2>&1 | head -1'),
    postgres: run('psql --version'),
    kafka: VERSIONS.kafka,
    schemaRegistry: `apicurio-registry ${VERSIONS.apicurioRegistry}`,
    commit: run('git rev-parse --short HEAD'),
    dirty: run('git status --porcelain') !== '',
  };
}

/** Starts a new peak: the kernel's high-water mark of resident memory (VmHWM) is reset to what is resident now. */
export function resetPeakRss(pid: number): void {
  writeFileSync(`/proc/${pid}/clear_refs`, '5');
}

/** Peak resident memory (MB) and CPU seconds so far of a process, from /proc. */
export function processUsage(pid: number): { peakRssMb: number; cpuSeconds: number } {
  const status = run(`cat /proc/${pid}/status`);
  const peakKb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0);
  const fields = run(`cat /proc/${pid}/stat`).replace(/^.*\) /, '').split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]); // utime + stime, in clock ticks
  return { peakRssMb: Math.round(peakKb / 1024), cpuSeconds: ticks / 100 };

  function run(command: string): string {
    return execSync(command, { encoding: 'utf8' });
  }
}

/**
 * CPU seconds so far of every process on the path, by name: the given ones (pid -> name), Kafka, the
 * schema registry, PostgreSQL (all its processes together, ended sessions included) and this process.
 */
export function cpuSecondsByProcess(named: ReadonlyMap<number, string>): Map<string, number> {
  const totals = new Map<string, number>();
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid)) continue;
    try {
      const commandLine = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      const name =
        named.get(pid) ??
        (pid === process.pid ? 'load generator' : undefined) ??
        (commandLine.includes('ensemble.component=kafka') ? 'kafka' : undefined) ??
        (commandLine.includes('ensemble.component=schema-registry') ? 'schema registry' : undefined) ??
        (readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === 'postgres' ? 'postgresql' : undefined);
      if (!name) continue;
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ');
      // utime + stime, and cutime + cstime: the CPU of children it has reaped, such as PostgreSQL's ended sessions.
      const ticks = fields.slice(11, 15).reduce((sum, field) => sum + Number(field), 0);
      totals.set(name, (totals.get(name) ?? 0) + ticks / 100);
    } catch {
      // The process ended while being read.
    }
  }
  return totals;
}
