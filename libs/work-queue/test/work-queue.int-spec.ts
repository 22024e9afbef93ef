import { once } from 'node:events';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { isRetriable, retry } from '@ensemble/retry';
import { eventually, PrivateRabbitMqNode } from '@ensemble/testing';
import { connectToBroker } from '../src/broker-connection';
import { Job, NewJob } from '../src/job';
import { listDeadLetters, redriveDeadLetters } from '../src/dead-letters';
import { measureWorkQueue } from '../src/measure-work-queue';
import { isRefusedForGood, WorkUnavailableError } from '../src/work-queue-errors';
import { WorkQueuePublisher } from '../src/work-queue-publisher';
import { JobHandler, WorkQueueWorker, WorkQueueWorkerSettings } from '../src/work-queue-worker';

const RETRY_DELAYS_MS = [200, 400];
const MAX_MESSAGE_SIZE = 1_048_576;

/**
 * A RabbitMQ node of this spec's own (never the machine's on 5672, nor the test stack's on 15673),
 * since the spec kills and restarts it; its size limit is lowered so that a refusal for good is cheap to provoke.
 */
const node = new PrivateRabbitMqNode({
  label: 'work-queue-spec',
  amqpPort: 15674,
  baseDir: mkdtempSync(join(tmpdir(), 'ensemble-work-queue-spec-')),
  config: [`max_message_size = ${MAX_MESSAGE_SIZE}`],
});

function newJob(messageId: string, headers: Record<string, string> = {}): NewJob {
  return { messageId, body: Buffer.from(JSON.stringify({ messageId })), headers };
}

function jobs(prefix: string, count: number): NewJob[] {
  return Array.from({ length: count }, (_, index) => newJob(`${prefix}-${index}`));
}

describe('work queue against a RabbitMQ node of its own', () => {
  const workers: WorkQueueWorker[] = [];
  const publishers: WorkQueuePublisher[] = [];

  beforeAll(() => node.start(), 120_000);

  afterEach(async () => {
    await Promise.all(workers.splice(0).map((worker) => worker.stop()));
    await Promise.all(publishers.splice(0).map((publisher) => publisher.disconnect()));
  });

  afterAll(() => node.remove(), 60_000);

  async function connectedPublisher(queue: string): Promise<WorkQueuePublisher> {
    const publisher = new WorkQueuePublisher({ url: node.url, queue, retryDelaysMs: RETRY_DELAYS_MS });
    publishers.push(publisher);
    await publisher.connect();
    return publisher;
  }

  /** Starts a worker and resolves once it consumes. */
  async function startedWorker(queue: string, handle: JobHandler, settings: Partial<WorkQueueWorkerSettings> = {}): Promise<WorkQueueWorker> {
    const worker = new WorkQueueWorker({ url: node.url, queue, prefetch: 5, retryDelaysMs: RETRY_DELAYS_MS, backoff: { initialMs: 100, maxMs: 1_000 }, ...settings }, handle);
    workers.push(worker);
    const started = once(worker, 'started');
    await worker.start();
    await started;
    return worker;
  }

  it('has every published job confirmed in the queue, and a worker handles each once, holding no more than its prefetch at a time', async () => {
    const queue = 'spec.prefetch';
    const publisher = await connectedPublisher(queue);
    await publisher.publish(jobs('job', 30));
    // Confirmed means in the queue: nothing consumes it yet.
    expect(await measureWorkQueue(node.url, queue, RETRY_DELAYS_MS)).toEqual({ ready: 30, delayed: 0, deadLetters: 0, consumers: 0 });

    const handled: string[] = [];
    let inHand = 0;
    let mostInHand = 0;
    await startedWorker(
      queue,
      async (job) => {
        mostInHand = Math.max(mostInHand, ++inHand);
        await sleep(30);
        inHand--;
        handled.push(job.messageId);
      },
      { prefetch: 3 },
    );
    await eventually(async () => handled.length === 30, 'the 30 jobs to be handled', 20_000);
    expect(new Set(handled).size).toBe(30);
    expect(mostInHand).toBe(3);
    await eventually(async () => (await measureWorkQueue(node.url, queue, RETRY_DELAYS_MS)).ready === 0 || undefined, 'the queue to be empty', 5_000);
    expect(await measureWorkQueue(node.url, queue, RETRY_DELAYS_MS)).toEqual({ ready: 0, delayed: 0, deadLetters: 0, consumers: 1 });
  });

  it('retries a job that fails twice through each delay queue in turn, waiting each delay, and counts its failed attempts', async () => {
    const queue = 'spec.retries';
    const runs: Array<{ at: number; attempts: number }> = [];
    const worker = await startedWorker(queue, async (job) => {
      runs.push({ at: Date.now(), attempts: job.attempts });
      if (job.attempts < 2) throw new Error(`421 try again later (run ${job.attempts + 1})`);
    });
    const scheduled: Array<{ attempt: number; delayMs: number; reason: string }> = [];
    worker.on('retryScheduled', ({ attempt, delayMs, reason }) => scheduled.push({ attempt, delayMs, reason }));
    const done = once(worker, 'done');
    await (await connectedPublisher(queue)).publish([newJob('flaky')]);

    const [{ job }] = (await done) as [{ job: Job }];
    expect(job).toMatchObject({ messageId: 'flaky', attempts: 2 });
    expect(runs.map((run) => run.attempts)).toEqual([0, 1, 2]);
    expect(scheduled).toEqual([
      { attempt: 1, delayMs: 200, reason: '421 try again later (run 1)' },
      { attempt: 2, delayMs: 400, reason: '421 try again later (run 2)' },
    ]);
    const waits = [runs[1].at - runs[0].at, runs[2].at - runs[1].at];
    console.log(`waits between runs: ${waits.join(' ms, ')} ms (delays ${RETRY_DELAYS_MS.join(', ')} ms)`);
    expect(waits[0]).toBeGreaterThanOrEqual(200);
    expect(waits[0]).toBeLessThan(200 + 500);
    expect(waits[1]).toBeGreaterThanOrEqual(400);
    expect(waits[1]).toBeLessThan(400 + 500);
  });

  it('dead-letters a job that keeps failing after one attempt more than there are delays, lists it without taking it, and a redrive has it handled once', async () => {
    const queue = 'spec.dead-letters';
    const runs: Job[] = [];
    const worker = await startedWorker(queue, async (job) => {
      runs.push(job);
      if (!job.headers['redriven-at']) throw new Error('550 mailbox unavailable');
    });
    const deadLettered = once(worker, 'deadLettered');
    const startedAt = new Date();
    await (await connectedPublisher(queue)).publish([newJob('doomed', { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' })]);

    expect(await deadLettered).toEqual([{ job: expect.objectContaining({ messageId: 'doomed', attempts: 2 }), reason: '550 mailbox unavailable' }]);
    expect(runs.map((run) => run.attempts)).toEqual([0, 1, 2]);
    const listed = await listDeadLetters(node.url, queue);
    expect(listed).toEqual([{ messageId: 'doomed', reason: '550 mailbox unavailable', attempts: 3, failedAt: expect.any(Date) }]);
    expect(listed[0].failedAt!.getTime()).toBeGreaterThanOrEqual(startedAt.getTime());
    // Listing takes nothing away.
    expect(await listDeadLetters(node.url, queue)).toEqual(listed);
    expect(await measureWorkQueue(node.url, queue, RETRY_DELAYS_MS)).toMatchObject({ ready: 0, delayed: 0, deadLetters: 1 });

    const done = once(worker, 'done');
    expect(await redriveDeadLetters(node.url, queue)).toBe(1);
    const [{ job }] = (await done) as [{ job: Job }];
    expect(job.attempts).toBe(0);
    expect(job.headers).toMatchObject({ traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01', 'redriven-at': expect.any(String) });
    expect(job.headers['failure-reason']).toBeUndefined();
    await sleep(300);
    expect(runs.filter((run) => run.headers['redriven-at'])).toHaveLength(1);
    expect(await measureWorkQueue(node.url, queue, RETRY_DELAYS_MS)).toMatchObject({ ready: 0, delayed: 0, deadLetters: 0 });
    expect(await redriveDeadLetters(node.url, queue)).toBe(0);
  });

  it('reads a forged or garbled attempts header without crashing: garbage counts as no attempt, a huge count dead-letters at the first failure', async () => {
    const queue = 'spec.forged-attempts';
    const worker = await startedWorker(queue, async () => {
      throw new Error('bounced');
    });
    const outcomes: string[] = [];
    worker.on('retryScheduled', ({ job, attempt }) => outcomes.push(`${job.messageId}: retry ${attempt}`));
    worker.on('deadLettered', ({ job }) => outcomes.push(`${job.messageId}: dead letter`));
    await (await connectedPublisher(queue)).publish([newJob('garbled', { attempts: 'NaN; DROP TABLE' }), newJob('forged', { attempts: '999999' })]);
    await eventually(async () => outcomes.includes('forged: dead letter') && outcomes.includes('garbled: retry 1'), 'both jobs to fail once', 10_000);
    expect((await listDeadLetters(node.url, queue)).find((letter) => letter.messageId === 'forged')?.attempts).toBe(1_000_000);
  });

  it('pauses on WorkUnavailableError with a growing wait, puts the job back with its attempts untouched, and handles it once the dependency is back', async () => {
    const queue = 'spec.outage';
    let dependencyUp = false;
    const tries: Job[] = [];
    const worker = await startedWorker(queue, async (job) => {
      tries.push(job);
      if (!dependencyUp) throw new WorkUnavailableError('connect ECONNREFUSED 127.0.0.1:1025');
    });
    const pauses: number[] = [];
    const reasons = new Set<string>();
    const failures: string[] = [];
    worker.on('paused', ({ retryInMs, reason }) => {
      pauses.push(retryInMs);
      reasons.add(reason);
    });
    worker.on('retryScheduled', ({ job }) => failures.push(job.messageId));
    worker.on('deadLettered', ({ job }) => failures.push(job.messageId));
    let resumed = 0;
    worker.on('resumed', () => resumed++);
    const random = jest.spyOn(Math, 'random').mockReturnValue(1);
    try {
      await (await connectedPublisher(queue)).publish([newJob('receipt')]);
      await eventually(async () => pauses.length >= 1 || undefined, 'the worker to pause', 5_000);
      // Paused, it takes no job: it has cancelled its consumer.
      expect((await measureWorkQueue(node.url, queue, RETRY_DELAYS_MS)).consumers).toBe(0);
      await eventually(async () => pauses.length >= 4 || undefined, 'four pauses', 10_000);
      dependencyUp = true;
      const done = once(worker, 'done');
      const [{ job }] = (await done) as [{ job: Job }];
      expect(job).toMatchObject({ messageId: 'receipt', attempts: 0, redelivered: true });
    } finally {
      random.mockRestore();
    }
    expect(pauses.slice(0, 4)).toEqual([100, 200, 400, 800]);
    expect([...reasons]).toEqual(['WorkUnavailableError: connect ECONNREFUSED 127.0.0.1:1025']);
    expect(tries.every((attempt) => attempt.attempts === 0)).toBe(true);
    expect(failures).toEqual([]);
    expect(resumed).toBeGreaterThanOrEqual(4);
    expect(await measureWorkQueue(node.url, queue, RETRY_DELAYS_MS)).toMatchObject({ ready: 0, delayed: 0, deadLetters: 0, consumers: 1 });
  });

  it('refuses a job over the broker’s max size for good, and publishes again after a new connect()', async () => {
    const queue = 'spec.too-large';
    const publisher = await connectedPublisher(queue);
    const failure = await publisher.publish([newJob('small'), { messageId: 'huge', body: Buffer.alloc(MAX_MESSAGE_SIZE + 1), headers: {} }]).catch((error: unknown) => error);
    expect(isRefusedForGood(failure)).toBe(true);
    expect((failure as Error).message).toMatch(/larger than configured max size/);
    // The channel is gone with the refusal: until the next connect(), publishing fails, and not for good.
    const notConnected = await publisher.publish([newJob('after')]).catch((error: unknown) => error);
    expect(isRefusedForGood(notConnected)).toBe(false);
    await publisher.connect();
    await publisher.publish([newJob('after')]);
    expect((await measureWorkQueue(node.url, queue, RETRY_DELAYS_MS)).ready).toBe(2);
  });

  /** As an operator might, under a running publisher or worker. */
  async function deleteQueue(name: string): Promise<void> {
    const connection = await connectToBroker(node.url, 'spec');
    const channel = await connection.createChannel();
    await channel.deleteQueue(name);
    await channel.close();
    await connection.close();
  }

  it('fails a publish to a queue deleted after it was declared, as worth sending again, and declares it again on the next connect()', async () => {
    const queue = 'spec.deleted-work-queue';
    const publisher = await connectedPublisher(queue);
    await deleteQueue(queue);
    const failure = await publisher.publish([newJob('lost-in-transit')]).catch((error: unknown) => error);
    expect((failure as Error).message).toBe(`queue ${queue} is missing: the broker returned job lost-in-transit as unroutable`);
    expect(isRetriable(failure)).toBe(true);
    await publisher.connect();
    await publisher.publish([newJob('lost-in-transit')]);
    expect((await measureWorkQueue(node.url, queue, RETRY_DELAYS_MS)).ready).toBe(1);
  });

  it('keeps a failed job whose delay queue was deleted: the worker reconnects, declares it again and retries the job', async () => {
    const queue = 'spec.deleted-delay-queue';
    const worker = await startedWorker(queue, async (job) => {
      if (job.attempts === 0) throw new Error('first try fails');
    });
    const requeued: string[] = [];
    worker.on('requeued', ({ reason }) => requeued.push(reason));
    await deleteQueue(`${queue}.delay-200`);
    const done = once(worker, 'done');
    await (await connectedPublisher(queue)).publish([newJob('survivor')]);
    const [{ job }] = (await done) as [{ job: Job }];
    expect(job).toMatchObject({ messageId: 'survivor', attempts: 1 });
    expect(requeued).toEqual([]);
  });

  it('loses no job when the node is killed and then restarted under a steady load: the publisher sends unconfirmed batches again, and the worker reconnects by itself', async () => {
    const queue = 'spec.crashes';
    const confirmed = new Set<string>();
    const handled = new Map<string, number>();
    let redelivered = 0;
    const worker = await startedWorker(
      queue,
      async (job) => {
        handled.set(job.messageId, (handled.get(job.messageId) ?? 0) + 1);
        if (job.redelivered) redelivered++;
        await sleep(5);
      },
      { prefetch: 10 },
    );
    let disconnections = 0;
    worker.on('disconnected', () => disconnections++);

    const publisher = new WorkQueuePublisher({ url: node.url, queue, retryDelaysMs: RETRY_DELAYS_MS });
    publishers.push(publisher);
    const load = new AbortController();
    let resent = 0;
    // As the outbox relay will: a batch is sent again, after connecting again, until the broker confirms it.
    const publishing = (async () => {
      for (let batch = 0; !load.signal.aborted; batch++) {
        const sent = jobs(`batch-${batch}`, 10);
        await retry(
          async (attempt) => {
            if (attempt > 1) resent++;
            await publisher.connect();
            await publisher.publish(sent);
          },
          { initialMs: 50, maxMs: 500 },
        );
        sent.forEach((job) => confirmed.add(job.messageId));
        await sleep(20);
      }
    })();

    const confirmedAfter = async (count: number) => {
      const target = confirmed.size + count;
      await eventually(async () => confirmed.size >= target || undefined, `${count} more jobs confirmed`, 60_000);
    };
    /** Takes the node down one way or another and back up, and waits until the worker consumes again. */
    const outage = async (what: string, downAndUp: () => Promise<void>) => {
      const started = Date.now();
      const resumed = once(worker, 'resumed');
      await downAndUp();
      const nodeUp = Date.now() - started;
      await resumed;
      console.log(`${what}: the node was up again after ${nodeUp} ms, the worker consumed again after ${Date.now() - started} ms`);
    };
    await confirmedAfter(100);
    await outage('killed', async () => {
      await node.kill();
      await node.start();
    });
    await confirmedAfter(100);
    await outage('restarted', () => node.restart());
    await confirmedAfter(100);
    load.abort();
    await publishing;

    await eventually(async () => [...confirmed].every((messageId) => handled.has(messageId)), 'every confirmed job to be handled', 60_000);
    const duplicates = [...handled.values()].filter((count) => count > 1).length;
    console.log(
      `${confirmed.size} jobs confirmed, ${handled.size} handled, ${duplicates} of them more than once, ${redelivered} redelivered; ` +
        `${resent} batches sent again; the worker's connection failed ${disconnections} times`,
    );
    expect(resent).toBeGreaterThanOrEqual(2);
  }, 180_000);
});
