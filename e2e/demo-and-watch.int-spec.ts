import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { createKafka } from '@ensemble/kafka/create-kafka';
import { CONSUMING_SERVICES, loadPlatformConfig, PROCESS_NAMES } from '@ensemble/config';
import { Choreography, eventually, skipNotificationsBacklog, waitUntilCaughtUp } from '@ensemble/testing';

const ROOT = join(__dirname, '..');
const TSX = join(ROOT, 'node_modules', '.bin', 'tsx');

describe('npm run demo and npm run watch', () => {
  const choreography = new Choreography({}, 3210);
  let watch: ChildProcess;
  let output = '';

  beforeAll(async () => {
    const kafka = createKafka(loadPlatformConfig(), 'demo-spec');
    await skipNotificationsBacklog(kafka, loadPlatformConfig());
    await choreography.start(PROCESS_NAMES);
    await waitUntilCaughtUp(kafka, CONSUMING_SERVICES);
    // watch follows the console's live stream, which reads the topics from when it was first watched.
    watch = spawn(TSX, [join(ROOT, 'apps', 'console', 'cli', 'watch.ts')], { cwd: ROOT, env: { ...process.env, CONSOLE_URL: choreography.url('console') } });
    watch.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    await eventually(async () => (output.includes('watching') ? true : undefined), 'watch to start');
  }, 240_000);

  afterAll(async () => {
    watch?.kill('SIGTERM');
    await choreography.stop();
  });

  it('posts payments at the rate asked and shows every consumer reacting to each', async () => {
    const demo = spawnSync(TSX, [join(ROOT, 'apps', 'payments', 'cli', 'demo.ts'), '--rate', '10', '--duration', '1', '--url', choreography.url('payments')], {
      cwd: ROOT,
      encoding: 'utf8',
    });

    expect(demo.status).toBe(0);
    expect(demo.stdout).toMatch(/Sent 10, accepted 10, rejected 0/);
    expect(demo.stdout).toMatch(/POST latency: p50 [\d.]+ ms, p90 [\d.]+ ms, p99 [\d.]+ ms/);
    const count = (pattern: RegExp) => output.split('\n').filter((line) => pattern.test(line)).length;
    await eventually(
      async () =>
        count(/ payment  /) === 10 && count(/ invoice .* issued/) === 10 && count(/ shipping .* shipment /) === 10 && count(/ crm .* applied/) === 10 && count(/ dashboards .* applied/) === 10
          ? true
          : undefined,
      'watch to show ten payments and forty reactions',
    );
  });
});
