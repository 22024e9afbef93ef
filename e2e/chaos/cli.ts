/**
 * npm run chaos -- [--payments N] [--rate R] [--kills K] [--broker] [--postgres] [--self-check]
 *
 * The crash test as a command (see runChaos). --broker and --postgres restart the machine's broker
 * and PostgreSQL once, which disturbs anything else using them; --self-check plants a payment that was
 * never posted among the accepted ones, and must fail. Prints one summary line; exits 1 on any discrepancy.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { ensureRunning } from '../../infra/src/local-server';
import { runningPid } from '../../infra/src/detached-process';
import { loadInfraConfig } from '../../infra/src/infra-config';
import { kafkaBroker } from '../../infra/src/kafka-broker';
import { runChaos } from './chaos-run';

async function restartBroker(log: (line: string) => void): Promise<void> {
  const broker = kafkaBroker(loadInfraConfig());
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
  const { values } = parseArgs({
    options: {
      payments: { type: 'string', default: '1000' },
      rate: { type: 'string', default: '50' },
      kills: { type: 'string' },
      broker: { type: 'boolean', default: false },
      postgres: { type: 'boolean', default: false },
      'self-check': { type: 'boolean', default: false },
    },
  });
  const payments = Number(values.payments);
  const rate = Number(values.rate);
  const kills = Number(values.kills ?? Math.max(5, Math.round(payments / rate / 10)));
  for (const [name, value] of Object.entries({ payments, rate, kills })) {
    if (!Number.isInteger(value) || value <= 0) throw new Error(`--${name} must be a positive whole number`);
  }
  const report = await runChaos({
    payments,
    rate,
    kills,
    basePort: 3240,
    restartBroker: values.broker ? restartBroker : undefined,
    restartPostgres: values.postgres ? restartPostgres : undefined,
    plantDiscrepancy: values['self-check'],
    log: (line) => console.log(`[chaos] ${line}`),
  });
  console.log(report.summary);
  process.exitCode = report.ok ? 0 : 1;
}

main().catch((error: unknown) => {
  console.error(`chaos: ${(error as Error).message}`);
  process.exitCode = 1;
});
