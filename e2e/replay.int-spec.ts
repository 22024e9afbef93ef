import { randomInt, randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client } from 'pg';
import { consumes, loadPlatformConfig, ServiceName } from '@ensemble/config';
import { FAILURE_HEADERS, listDeadLetters } from '@ensemble/event-consumer';
import { createKafka } from '@ensemble/kafka/create-kafka';
import { Choreography, eventually, paymentBody, postPayment, projectionChecksum, servicesWithout, TopicReader, waitUntilCaughtUp } from '@ensemble/testing';
import type { ReplayProgress } from '@ensemble/replay';
import { ReplayApiError, ReplayClient } from '@ensemble/replay';

/** Every service but notifications, whose thousands of emails would only slow these rebuilds (its own rebuild: notifications.int-spec.ts). */
const SERVICES = servicesWithout('notifications');
const CONSUMERS = SERVICES.filter(consumes);
const config = loadPlatformConfig();
const kafka = createKafka(config, 'replay-spec');
const ADMIN_TOKEN = `replay-spec-${randomUUID()}`;
/**
 * Dead letters that were never applied for a reason of the record's own, as opposed to a failure of
 * the moment (a lock, a forged or oversized retry record): a replay meets the same records and skips
 * them too.
 */
const NOT_OF_THE_RECORD = ['handler-failed', 'not-yet-applicable', 'invalid-failure-headers', 'reroute-failed'];
const PROJECTIONS: Partial<Record<ServiceName, string[]>> = {
  dashboards: ['dashboard_figures'],
  crm: ['customer_profiles', 'customer_lifetime_values'],
  invoice: ['invoices', 'invoice_number_sequences'],
  shipping: ['shipments'],
};

interface Summary {
  payments: { count: number };
  shipmentsScheduled: { count: number };
}

/** A rebuild reads the whole history of the test run's own topics: what this run's specs wrote. */
const REBUILDS_MS = 240_000;

describe('replaying topics rebuilds a projection beside the live one and swaps it in', () => {
  const choreography = new Choreography({ ADMIN_TOKEN }, 3180);

  beforeAll(async () => {
    await choreography.start(SERVICES);
    await settle();
  }, 240_000);

  afterAll(() => choreography.stop());

  const replays = (service: ServiceName) => new ReplayClient(choreography.url(service), ADMIN_TOKEN);
  const startReplay = (service: ServiceName, request: { from?: string; to?: string } = {}) => replays(service).start(request);
  const finished = (service: ServiceName, id: string) => replays(service).waitUntilFinished(id);

  /** Every consumer has applied everything, and the follow-on events they announced too. */
  async function settle(): Promise<void> {
    await waitUntilCaughtUp(kafka, CONSUMERS);
    for (const service of ['invoice', 'shipping'] as const) {
      const db = new Client({ connectionString: config.databases[service] });
      await db.connect();
      await eventually(async () => ((await db.query('SELECT count(*)::int AS n FROM outbox WHERE published_at IS NULL')).rows[0].n === 0 ? true : undefined), `${service}'s outbox to drain`);
      await db.end();
    }
    await waitUntilCaughtUp(kafka, CONSUMERS);
  }

  async function summary(): Promise<Summary> {
    return (await fetch(`${choreography.url('dashboards')}/dashboards/summary`)).json() as Promise<Summary>;
  }

  /** The replay skipped exactly the records that the live consumer dead-lettered for what they are (whatever other specs of the run left on the topics). */
  async function expectSkippedOnlyDeadLettered(replay: ReplayProgress): Promise<void> {
    const position = (topic: string, partition: number | string, offset: string) => `${topic}[${partition}]@${offset}`;
    const replayed = new Set(replay.partitions.map((partition) => partition.topic));
    const deadLettered = (await listDeadLetters(kafka, replay.service))
      .map(({ headers }) => headers)
      .filter((headers) => !NOT_OF_THE_RECORD.includes(headers[FAILURE_HEADERS.reason]) && replayed.has(headers[FAILURE_HEADERS.originalTopic]))
      .map((headers) => position(headers[FAILURE_HEADERS.originalTopic], headers[FAILURE_HEADERS.originalPartition], headers[FAILURE_HEADERS.originalOffset]));
    const expected = new Set(deadLettered);
    // The progress lists the first skipped records only: all of them must be expected, and as many as expected.
    expect(replay.skipped.first.map((skipped) => position(skipped.topic, skipped.partition, skipped.offset)).filter((skipped) => !expected.has(skipped))).toEqual([]);
    expect(replay.skipped.count).toBe(expected.size);
  }

  const checksum = (service: ServiceName) => projectionChecksum(config.databases[service], PROJECTIONS[service]!);

  async function postPayments(count: number, concurrency = 16): Promise<number[]> {
    const statuses: number[] = [];
    let next = 0;
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next++ < count) statuses.push((await postPayment(choreography.url('payments'), paymentBody(randomInt(1_000_000)))).status);
      }),
    );
    return statuses;
  }

  it('rebuilds dashboards and CRM byte-equal to what the live consumers built, with the live consumers running and no request failing', async () => {
    expect((await postPayments(5_000)).every((status) => status === 201)).toBe(true);
    await settle();
    const live = { dashboards: await checksum('dashboards'), crm: await checksum('crm') };

    const started = await Promise.all((['dashboards', 'crm'] as const).map((service) => startReplay(service)));
    // Reads go on while the replays run and swap.
    const reads: number[] = [];
    let replaying = true;
    const reading = (async () => {
      while (replaying) {
        reads.push((await fetch(`${choreography.url('dashboards')}/dashboards/summary`)).status, (await fetch(`${choreography.url('crm')}/customers/customer-1`)).status);
      }
    })();
    const [dashboards, crm] = await Promise.all([finished('dashboards', started[0].id), finished('crm', started[1].id)]);
    replaying = false;
    await reading;

    for (const replay of [dashboards, crm]) {
      expect(replay).toMatchObject({ state: 'done', kind: 'rebuild' });
      await expectSkippedOnlyDeadLettered(replay);
    }
    expect(dashboards.recordsRead).toBeGreaterThanOrEqual(15_000);
    expect(reads.length).toBeGreaterThan(0);
    expect(reads.every((status) => status === 200)).toBe(true);
    expect(await checksum('dashboards')).toEqual(live.dashboards);
    expect(await checksum('crm')).toEqual(live.crm);
  }, REBUILDS_MS);

  it('swaps in the middle of a stream of payments without losing or doubling one, and no POST fails', async () => {
    const before = await summary();
    const posting = postPayments(1_000, 4);
    await sleep(2_000);
    const started = await Promise.all((['dashboards', 'crm'] as const).map((service) => startReplay(service)));
    const [dashboards, crm] = await Promise.all([finished('dashboards', started[0].id), finished('crm', started[1].id)]);
    const statuses = await posting;
    await settle();

    expect(dashboards.state).toBe('done');
    expect(crm.state).toBe('done');
    expect(statuses.filter((status) => status !== 201)).toEqual([]);
    const after = await summary();
    expect(after.payments.count - before.payments.count).toBe(1_000);
    expect(after.shipmentsScheduled.count - before.shipmentsScheduled.count).toBe(1_000);
    // A replay now, with nothing flowing, builds exactly what the swap left behind.
    const mixed = { dashboards: await checksum('dashboards'), crm: await checksum('crm') };
    for (const service of ['dashboards', 'crm'] as const) {
      expect((await finished(service, (await startReplay(service)).id)).state).toBe('done');
      expect(await checksum(service)).toEqual(mixed[service]);
    }
  }, REBUILDS_MS);

  it('leaves the live projection untouched when a replay is cancelled or killed, and the next replay starts clean', async () => {
    const db = new Client({ connectionString: config.databases.dashboards });
    await db.connect();
    const schemas = async () => (await db.query(`SELECT nspname FROM pg_namespace WHERE nspname LIKE 'replay\\_%'`)).rows.map((row) => row.nspname);
    try {
      const live = await checksum('dashboards');

      const cancelled = await startReplay('dashboards');
      expect((await replays('dashboards').cancel(cancelled.id)).state).toBe('cancelled');
      expect(await schemas()).toEqual([]);
      expect(await checksum('dashboards')).toEqual(live);

      const killed = await startReplay('dashboards');
      await eventually(async () => ((await replays('dashboards').get(killed.id)).recordsRead > 0 ? true : undefined), 'the replay to be under way');
      await choreography.kill('dashboards');
      expect(await schemas()).toEqual([`replay_${killed.id}`]);
      expect(await checksum('dashboards')).toEqual(live);

      await choreography.startOne('dashboards');
      const next = await finished('dashboards', (await startReplay('dashboards')).id);
      expect(next.state).toBe('done');
      expect(await schemas()).toEqual([]);
      expect(await checksum('dashboards')).toEqual(live);
      // The dead replay's consumer group goes once the broker has given up its member.
      const kafkaAdmin = kafka.admin();
      await kafkaAdmin.connect();
      try {
        await eventually(
          async () => ((await kafkaAdmin.listGroups()).groups.some((group) => group.groupId.startsWith('dashboards.replay.')) ? undefined : true),
          'the replay consumer groups to be deleted',
          30_000,
        );
      } finally {
        await kafkaAdmin.disconnect();
      }
    } finally {
      await db.end();
    }
  }, REBUILDS_MS);

  it('rebuilds a window of the dashboards (the minutes from its start on) to the same figures, reading only the window', async () => {
    // The window starts at a minute boundary after everything so far, and takes in 100 payments.
    const from = new Date((Math.floor(Date.now() / 60_000) + 1) * 60_000);
    await sleep(from.getTime() - Date.now() + 100);
    await postPayments(100);
    await settle();
    const live = await checksum('dashboards');
    const whole = await finished('dashboards', (await startReplay('dashboards')).id);
    const window = await finished('dashboards', (await startReplay('dashboards', { from: new Date(from.getTime() + 1_000).toISOString() })).id);

    expect(window).toMatchObject({ state: 'done', kind: 'rebuild', from: from.toISOString() });
    // The payments and their invoices and shipments, and nothing before the window.
    expect(window.recordsRead).toBe(300);
    expect(whole.recordsRead).toBeGreaterThan(300);
    expect(await checksum('dashboards')).toEqual(live);
  }, REBUILDS_MS);

  it('rebuilds invoice and shipping from their own announcements and publishes no follow-on event', async () => {
    const topics = ['invoice.invoice-issued', 'shipping.shipment-scheduled'].map((topic) => new TopicReader(kafka, topic));
    await Promise.all(topics.map((topic) => topic.mark()));
    const live = { invoice: await checksum('invoice'), shipping: await checksum('shipping') };

    const started = await Promise.all((['invoice', 'shipping'] as const).map((service) => startReplay(service)));
    const ended = await Promise.all((['invoice', 'shipping'] as const).map((service, i) => finished(service, started[i].id)));
    await sleep(1_000);

    for (const replay of ended) {
      expect(replay.state).toBe('done');
      await expectSkippedOnlyDeadLettered(replay);
    }
    expect(await Promise.all(topics.map((topic) => topic.countSinceMark()))).toEqual([0, 0]);
    expect(await checksum('invoice')).toEqual(live.invoice);
    expect(await checksum('shipping')).toEqual(live.shipping);
  }, REBUILDS_MS);

  /** GET /dashboards/summary?asOf=, with the admin token unless told otherwise. */
  const summaryAsOf = (at: Date, token: string = ADMIN_TOKEN) =>
    fetch(`${choreography.url('dashboards')}/dashboards/summary?asOf=${at.toISOString()}`, { headers: { authorization: `Bearer ${token}` } });

  /** Waits for the next minute to begin: an asOf answer is the figures as they were at its minute's start. */
  const nextMinute = () => sleep(60_000 - (Date.now() % 60_000) + 200);

  it('answers the dashboard summary asOf a past time with the figures it showed at the start of that minute', async () => {
    const summaryAt = async () => {
      const at = new Date();
      return { at, figures: await summary() };
    };
    await settle();
    await nextMinute();
    const first = await summaryAt();
    await postPayments(50);
    await settle();
    await nextMinute();
    const second = await summaryAt();
    await postPayments(50);
    await settle();

    expect(second.figures.payments.count - first.figures.payments.count).toBe(50);
    for (const { at, figures } of [first, second]) {
      const response = await summaryAsOf(at);
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual(figures);
    }
  }, REBUILDS_MS);

  it('bounds asOf: the admin token, one build shared by requests for the same minute, 429 beyond two builds at once', async () => {
    // Minutes before the run's history, and never asked about before (a snapshot asked about is kept): each build reads nothing.
    const first = randomInt(0, 500_000);
    const minute = (n: number) => new Date(Date.UTC(2020, 0, 1) + (first + n) * 60_000);
    expect((await summaryAsOf(minute(0), 'not-the-token')).status).toBe(401);
    expect((await fetch(`${choreography.url('dashboards')}/dashboards/summary?asOf=1969-12-31T23:59:59Z`)).status).toBe(400);

    // Four requests within one minute, more than the two builds allowed at once: they share one build.
    const shared = await Promise.all(Array.from({ length: 4 }, (_, index) => summaryAsOf(new Date(minute(1).getTime() + index * 1_000))));
    expect(shared.map((response) => response.status)).toEqual([200, 200, 200, 200]);
    const bodies = await Promise.all(shared.map((response) => response.json()));
    for (const body of bodies) expect(body).toEqual(bodies[0]);

    const distinct = await Promise.all([10, 11, 12, 13].map((n) => summaryAsOf(minute(n))));
    const statuses = distinct.map((response) => response.status);
    expect(statuses.filter((status) => status === 200).length).toBeGreaterThanOrEqual(2);
    const refused = distinct.filter((response) => response.status === 429);
    expect(refused.length).toBeGreaterThanOrEqual(1);
    for (const response of refused) {
      expect(response.headers.get('retry-after')).toMatch(/^\d+$/);
      expect(await response.json()).toMatchObject({ error: { code: 'too_many_snapshots' } });
    }
    // Finished snapshot replays are let go: none lingers in the list.
    expect((await replays('dashboards').list()).filter((replay) => replay.kind === 'snapshot' && replay.finishedAt)).toEqual([]);
  }, REBUILDS_MS);

  it('refuses bad replay requests with a clear error and starts nothing', async () => {
    const refusal = (request: Promise<unknown>) => request.then(() => undefined, (error: ReplayApiError) => ({ status: error.status, error: error.body.error }));
    expect(await refusal(new ReplayClient(choreography.url('crm'), 'not-the-token').start())).toMatchObject({ status: 401, error: { code: 'admin_token_required' } });
    expect(await refusal(replays('crm').start({ from: '2026-01-01T00:00:00Z' }))).toMatchObject({ status: 422, error: { code: 'window_not_supported' } });
    const future = await refusal(replays('dashboards').start({ to: '2999-01-01T00:00:00Z', extra: 1 } as { to: string }));
    expect(future).toMatchObject({ status: 400, error: { code: 'validation_failed' } });
    expect(future!.error.fields).toEqual(
      expect.arrayContaining([expect.objectContaining({ field: 'to', message: 'to is in the future' }), expect.objectContaining({ message: expect.stringContaining('extra') })]),
    );
    expect((await fetch(`${choreography.url('dashboards')}/dashboards/summary?asOf=yesterday`)).status).toBe(400);
    expect((await replays('crm').list()).every((replay) => replay.finishedAt)).toBe(true);
  });
});
