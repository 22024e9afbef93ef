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
  const peakKb = Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
  return { peakRssMb: Math.round(peakKb / 1024), cpuSeconds: cpuSecondsOf(pid) };
}

/**
 * CPU seconds so far of a process (utime + stime) and, with `reapedChildren`, of the children it has
 * reaped (cutime + cstime), such as PostgreSQL's ended sessions.
 */
function cpuSecondsOf(pid: number, reapedChildren = false): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ');
  return fields.slice(11, reapedChildren ? 15 : 13).reduce((sum, field) => sum + Number(field), 0) / 100;
}

/**
 * CPU seconds so far of every process on the path, by name: the given ones (pid -> name), Kafka, the
 * schema registry, Zipkin, MailDev, RabbitMQ, PostgreSQL (all its processes together, ended sessions included) and this process.
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
        (commandLine.includes('ensemble.component=zipkin') ? 'zipkin' : undefined) ??
        (commandLine.includes('maildev.js') ? 'maildev' : undefined) ??
        (commandLine.includes('beam.smp') && commandLine.includes('rabbit') ? 'rabbitmq' : undefined) ??
        (readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === 'postgres' ? 'postgresql' : undefined);
      if (!name) continue;
      totals.set(name, (totals.get(name) ?? 0) + cpuSecondsOf(pid, true));
    } catch {
      // The process ended while being read.
    }
  }
  return totals;
}
