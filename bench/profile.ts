/**
 * npm run bench:profile -- [--rate 100] [--seconds 20] [--cpu-prof] [--floor] [--untraced]
 *
 * Where the machine's CPU goes per payment: posts payments at a fixed rate through the five real
 * services, waits until every consumer has caught up, and prints the CPU milliseconds each process
 * spent per payment (the services, Kafka, the registry, PostgreSQL's backends, this load generator).
 * With --cpu-prof the services also write V8 CPU profiles to .ensemble/profiles/ for DevTools. With
 * --floor the same load goes through the floor instead (bench/baselines/floor): what the same
 * durable steps cost on this machine without a framework. With --untraced the services run with
 * tracing off (OTEL_SDK_DISABLED=true): the difference to a traced run is what tracing costs, Zipkin's
 * share included.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Kafka } from 'kafkajs';
import { CONSUMING_SERVICES, loadPlatformConfig, parseCommandLine, PlatformConfig } from '@ensemble/config';
import { createPlatformClients } from '@ensemble/platform';
import { Choreography, waitUntilCaughtUp } from '@ensemble/testing';
import { FloorPipeline } from './baselines/floor/floor-pipeline';
import { cpuSecondsByProcess } from './machine';
import { describeFailures, PaymentLoad, postPaymentsAtRate } from './payment-load';

const { rate, seconds, 'cpu-prof': cpuProfiles, floor, untraced } = parseCommandLine({
  command: 'bench:profile',
  usage: 'usage: npm run bench:profile -- [--rate 100] [--seconds 20] [--cpu-prof] [--floor] [--untraced]',
  options: {
    rate: { type: 'number', default: 100 },
    seconds: { type: 'number', default: 20 },
    'cpu-prof': { type: 'boolean' },
    floor: { type: 'boolean' },
    untraced: { type: 'boolean' },
  },
}).options;
const IDLE_SECONDS = 10;
const profileDir = join(__dirname, '..', '.ensemble', 'profiles');

/** What the load goes through: Ensemble's services, or the floor. */
interface Subject {
  paymentsUrl: string;
  processes: ReadonlyMap<number, string>;
  waitUntilCaughtUp(payments: number): Promise<void>;
  stop(): Promise<void>;
}

async function startEnsemble(kafka: Kafka): Promise<Subject> {
  const choreography = await new Choreography(untraced ? { OTEL_SDK_DISABLED: 'true' } : {}, 3130, cpuProfiles ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : []).start();
  await waitUntilCaughtUp(kafka, CONSUMING_SERVICES);
  return {
    paymentsUrl: choreography.url('payments'),
    processes: new Map([...choreography.processes].map(([service, process]) => [process.pid, service as string])),
    waitUntilCaughtUp: () => waitUntilCaughtUp(kafka, CONSUMING_SERVICES, 600_000),
    stop: () => choreography.stop(),
  };
}

async function startFloor(config: PlatformConfig, kafka: Kafka): Promise<Subject> {
  const pipeline = await FloorPipeline.start(config, kafka, 3140);
  return {
    paymentsUrl: pipeline.url,
    processes: pipeline.processes,
    waitUntilCaughtUp: (payments) => pipeline.waitUntilApplied(payments, 600_000),
    stop: () => pipeline.stop(),
  };
}

async function main(): Promise<void> {
  const config = loadPlatformConfig();
  const { kafka } = createPlatformClients(config, 'bench-profile');
  if (cpuProfiles) mkdirSync(profileDir, { recursive: true });
  const subject = floor ? await startFloor(config, kafka) : await startEnsemble(kafka);
  try {
    const idle = await cpuDuring(subject.processes, () => sleep(IDLE_SECONDS * 1_000));
    let load: PaymentLoad | undefined;
    let caughtUpMs = 0;
    const loaded = await cpuDuring(subject.processes, async () => {
      load = await postPaymentsAtRate(subject.paymentsUrl, rate, seconds);
      const lastPost = Date.now();
      await subject.waitUntilCaughtUp(rate * seconds - load.failed);
      caughtUpMs = Date.now() - lastPost;
    });
    const { achievedRate, failed } = load!;
    const payments = rate * seconds - failed;
    if (!floor) console.log(`tracing ${untraced ? 'off (OTEL_SDK_DISABLED=true)' : 'on, spans to Zipkin'}`);
    console.log(`${payments} payments at ${rate}/s (achieved ${achievedRate.toFixed(0)}/s, ${describeFailures(load!) || 'none failed'}), consumers caught up ${caughtUpMs} ms after the last POST`);
    console.log(`CPU ms per second idle (${IDLE_SECONDS} s before), and per payment beyond idle:`);
    const rows = [...loaded.usage].map(([name, cpu]) => {
      const idlePerSecond = (idle.usage.get(name) ?? 0) / idle.seconds;
      return { name, idlePerSecond, perPayment: ((cpu - idlePerSecond * loaded.seconds) * 1_000) / payments };
    });
    for (const { name, idlePerSecond, perPayment } of rows.sort((a, b) => b.perPayment - a.perPayment)) {
      console.log(`  ${name.padEnd(16)} idle ${(idlePerSecond * 1_000).toFixed(0).padStart(4)} ms/s   per payment ${perPayment.toFixed(2).padStart(6)} ms`);
    }
    const total = rows.reduce((sum, row) => sum + row.perPayment, 0);
    console.log(`  ${'all'.padEnd(16)}                per payment ${total.toFixed(2).padStart(6)} ms   (two cores allow ${Math.round(2_000 / total)} payments/s at this cost)`);
  } finally {
    await subject.stop();
  }
  if (cpuProfiles) console.log(`CPU profiles: ${profileDir}`);
}

/** CPU seconds each process spent during `work`, and how long it took. */
async function cpuDuring(services: ReadonlyMap<number, string>, work: () => Promise<unknown>): Promise<{ usage: Map<string, number>; seconds: number }> {
  const before = cpuSecondsByProcess(services);
  const started = performance.now();
  await work();
  const elapsed = (performance.now() - started) / 1_000;
  const after = cpuSecondsByProcess(services);
  return { usage: new Map([...after].map(([name, cpu]) => [name, cpu - (before.get(name) ?? 0)])), seconds: elapsed };
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
