/**
 * npm run chaos -- [--payments N] [--rate R] [--kills K] [--broker] [--postgres] [--self-check]
 *
 * The crash test as a command (see runChaos). --broker and --postgres restart the machine's broker
 * and PostgreSQL once, which disturbs anything else using them; --self-check plants a payment that was
 * never posted among the accepted ones, and must fail. Prints one summary line; exits 1 on any discrepancy.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { parseCommandLine } from '@ensemble/config';
import { runningPid } from '@ensemble/process';
import { ensureRunning } from '../../infra/src/local-server';
import { loadInfraConfig } from '../../infra/src/infra-config';
import { kafkaServers } from '../../infra/src/kafka-broker';
import { runChaos } from './chaos-run';

async function restartBroker(log: (line: string) => void): Promise<void> {
  // The single broker, or the first node of a cluster.
  const [broker] = kafkaServers(loadInfraConfig());
  const pid = runningPid(broker.process);
  if (pid === undefined) throw new Error('--broker restarts the broker that infra:up started, and it did not start this one');
  process.kill(pid, 'SIGKILL');
  log(`killed the broker (pid ${pid}, SIGKILL)`);
  await ensureRunning(broker, (_component, message) => log(`broker: ${message}`));
}

async function restartPostgres(log: (line: string) => void): Promise<void> {
  const [version] = readdirSync('/etc/postgresql');
  execFileSync('pg_ctlcluster', ['--skip-systemctl-redirect', version, 'main', 'restart'], { stdio: 'ignore' });
  log(`restarted PostgreSQL ${version}`);
}

async function main(): Promise<void> {
  const { options } = parseCommandLine({
    command: 'chaos',
    usage: 'usage: npm run chaos -- [--payments N] [--rate R] [--kills K] [--broker] [--postgres] [--self-check]',
    options: {
      payments: { type: 'number', integer: true, default: 1000 },
      rate: { type: 'number', integer: true, default: 50 },
      kills: { type: 'number', integer: true },
      broker: { type: 'boolean' },
      postgres: { type: 'boolean' },
      'self-check': { type: 'boolean' },
    },
  });
  const { payments, rate } = options;
  const report = await runChaos({
    payments,
    rate,
    kills: options.kills ?? Math.max(5, Math.round(payments / rate / 10)),
    basePort: 3240,
    restartBroker: options.broker ? restartBroker : undefined,
    restartPostgres: options.postgres ? restartPostgres : undefined,
    plantDiscrepancy: options['self-check'],
    log: (line) => console.log(`[chaos] ${line}`),
  });
  console.log(report.summary);
  process.exitCode = report.ok ? 0 : 1;
}

main().catch((error: unknown) => {
  console.error(`chaos: ${(error as Error).message}`);
  process.exitCode = 1;
});
