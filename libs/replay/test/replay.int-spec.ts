import { randomInt, randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client } from 'pg';
import { CONSUMING_SERVICES, loadPlatformConfig, ServiceName } from '@ensemble/config';
import { createKafka } from '@ensemble/kafka';
import { Choreography, eventually, paymentBody, postPayment, projectionChecksum, TopicReader, waitUntilCaughtUp } from '@ensemble/testing';
import type { ReplayProgress } from '../src/replay';

const config = loadPlatformConfig();
const kafka = createKafka(config, 'replay-spec');
const ADMIN_TOKEN = `replay-spec-${randomUUID()}`;
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

describe('replaying topics rebuilds a projection beside the live one and swaps it in', () => {
  const choreography = new Choreography({ ADMIN_TOKEN }, 3180);

  beforeAll(async () => {
    await choreography.start();
    await settle();
  }, 240_000);

  afterAll(() => choreography.stop());

  async function admin<T>(service: ServiceName, method: string, path = '', body?: unknown): Promise<{ status: number; body: T }> {
    const response = await fetch(`${choreography.url(service)}/admin/replay${path}`, {
      method,
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as T };
  }

  async function startReplay(service: ServiceName, body: unknown = {}): Promise<ReplayProgress> {
    const { status, body: progress } = await admin<ReplayProgress>(service, 'POST', '', body);
    expect(status).toBe(202);
    return progress;
  }

  function finished(service: ServiceName, id: string): Promise<ReplayProgress> {
    return eventually(async () => {
      const { body } = await admin<ReplayProgress>(service, 'GET', `/${id}`);
      return ['done', 'failed', 'cancelled'].includes(body.state) ? body : undefined;
    }, `replay ${id} of ${service} to end`);
  }

  /** Every consumer has applied everything, and the follow-on events they announced too. */
  async function settle(): Promise<void> {
    await waitUntilCaughtUp(kafka, CONSUMING_SERVICES);
    for (const service of ['invoice', 'shipping'] as const) {
      const db = new Client({ connectionString: config.databases[service] });
      await db.connect();
      await eventually(async () => ((await db.query('SELECT count(*)::int AS n FROM outbox WHERE published_at IS NULL')).rows[0].n === 0 ? true : undefined), `${service}'s outbox to drain`);
      await db.end();
    }
    await waitUntilCaughtUp(kafka, CONSUMING_SERVICES);
  }

  async function summary(): Promise<Summary> {
    return (await fetch(`${choreography.url('dashboards')}/dashboards/summary`)).json() as Promise<Summary>;
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

    const replays = await Promise.all((['dashboards', 'crm'] as const).map((service) => startReplay(service)));
    // Reads go on while the replays run and swap.
    const reads: number[] = [];
    let replaying = true;
    const reading = (async () => {
      while (replaying) {
        reads.push((await fetch(`${choreography.url('dashboards')}/dashboards/summary`)).status, (await fetch(`${choreography.url('crm')}/customers/customer-1`)).status);
      }
    })();
    const [dashboards, crm] = await Promise.all([finished('dashboards', replays[0].id), finished('crm', replays[1].id)]);
    replaying = false;
    await reading;

    for (const replay of [dashboards, crm]) expect(replay).toMatchObject({ state: 'done', kind: 'rebuild', skipped: { count: 0 } });
    expect(dashboards.recordsRead).toBeGreaterThanOrEqual(15_000);
    expect(reads.length).toBeGreaterThan(0);
    expect(reads.every((status) => status === 200)).toBe(true);
    expect(await checksum('dashboards')).toEqual(live.dashboards);
    expect(await checksum('crm')).toEqual(live.crm);
  }, 600_000);

  it('swaps in the middle of a stream of payments without losing or doubling one, and no POST fails', async () => {
    const before = await summary();
    const posting = postPayments(1_000, 4);
    await sleep(2_000);
    const replays = await Promise.all((['dashboards', 'crm'] as const).map((service) => startReplay(service)));
    const [dashboards, crm] = await Promise.all([finished('dashboards', replays[0].id), finished('crm', replays[1].id)]);
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
  }, 600_000);

  it('leaves the live projection untouched when a replay is cancelled or killed, and the next replay starts clean', async () => {
    const db = new Client({ connectionString: config.databases.dashboards });
    await db.connect();
    const schemas = async () => (await db.query(`SELECT nspname FROM pg_namespace WHERE nspname LIKE 'replay\\_%'`)).rows.map((row) => row.nspname);
    try {
      const live = await checksum('dashboards');

      const cancelled = await startReplay('dashboards');
      const { status, body: ended } = await admin<ReplayProgress>('dashboards', 'DELETE', `/${cancelled.id}`);
      expect(status).toBe(200);
      expect(ended.state).toBe('cancelled');
      expect(await schemas()).toEqual([]);
      expect(await checksum('dashboards')).toEqual(live);

      const killed = await startReplay('dashboards');
      await eventually(async () => {
        const { body } = await admin<ReplayProgress>('dashboards', 'GET', `/${killed.id}`);
        return body.recordsRead > 0 ? true : undefined;
      }, 'the replay to be under way');
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
  }, 300_000);

  it('rebuilds a window of the dashboards (the minutes from its start on) to the same figures, reading only the window', async () => {
    const live = await checksum('dashboards');
    const whole = await finished('dashboards', (await startReplay('dashboards')).id);
    const window = await finished('dashboards', (await startReplay('dashboards', { from: new Date(Date.now() - 90_000).toISOString() })).id);

    expect(window).toMatchObject({ state: 'done', kind: 'rebuild', skipped: { count: 0 } });
    expect(window.from).toMatch(/:00\.000Z$/);
    expect(window.recordsRead).toBeGreaterThan(0);
    expect(window.recordsRead).toBeLessThan(whole.recordsRead);
    expect(await checksum('dashboards')).toEqual(live);
  }, 300_000);

  it('rebuilds invoice and shipping from their own announcements and publishes no follow-on event', async () => {
    const topics = ['invoice.invoice-issued', 'shipping.shipment-scheduled'].map((topic) => new TopicReader(kafka, topic));
    await Promise.all(topics.map((topic) => topic.mark()));
    const live = { invoice: await checksum('invoice'), shipping: await checksum('shipping') };

    const replays = await Promise.all((['invoice', 'shipping'] as const).map((service) => startReplay(service)));
    const ended = await Promise.all((['invoice', 'shipping'] as const).map((service, i) => finished(service, replays[i].id)));
    await sleep(1_000);

    for (const replay of ended) expect(replay).toMatchObject({ state: 'done', skipped: { count: 0 } });
    expect(await Promise.all(topics.map((topic) => topic.countSinceMark()))).toEqual([0, 0]);
    expect(await checksum('invoice')).toEqual(live.invoice);
    expect(await checksum('shipping')).toEqual(live.shipping);
  }, 300_000);

  it('answers the dashboard summary asOf a past time with the figures it showed then', async () => {
    const summaryAt = async () => {
      const at = new Date();
      return { at, figures: await summary() };
    };
    await settle();
    const first = await summaryAt();
    await sleep(1_100);
    await postPayments(50);
    await settle();
    const second = await summaryAt();
    await sleep(1_100);
    await postPayments(50);
    await settle();

    expect(second.figures.payments.count - first.figures.payments.count).toBe(50);
    for (const { at, figures } of [first, second]) {
      const response = await fetch(`${choreography.url('dashboards')}/dashboards/summary?asOf=${at.toISOString()}`);
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual(figures);
    }
  }, 300_000);

  it('refuses bad replay requests with a clear error and starts nothing', async () => {
    const unauthorised = await fetch(`${choreography.url('crm')}/admin/replay`, { method: 'POST' });
    expect(unauthorised.status).toBe(401);
    const window = await admin<{ error: { code: string } }>('crm', 'POST', '', { from: '2026-01-01T00:00:00Z' });
    expect(window).toMatchObject({ status: 422, body: { error: { code: 'window_not_supported' } } });
    const future = await admin<{ error: { code: string; fields: unknown[] } }>('dashboards', 'POST', '', { to: '2999-01-01T00:00:00Z', extra: 1 });
    expect(future.status).toBe(400);
    expect(future.body.error.fields).toEqual(
      expect.arrayContaining([expect.objectContaining({ field: 'to', message: 'to is in the future' }), expect.objectContaining({ message: expect.stringContaining('extra') })]),
    );
    const asOf = await fetch(`${choreography.url('dashboards')}/dashboards/summary?asOf=yesterday`);
    expect(asOf.status).toBe(400);
    expect((await admin<ReplayProgress[]>('crm', 'GET')).body.every((replay) => replay.state !== 'catching-up')).toBe(true);
  });
});
