import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { loadPlatformConfig, SERVICE_NAMES } from '@ensemble/config';
import { createKafka } from '@ensemble/kafka/create-kafka';
import { Choreography, eventually, expectPaymentPath, paymentBody, paymentTrace, postPayment, skipNotificationsBacklog, traceIdAnswered, zipkinTrace } from '@ensemble/testing';

const ADMIN_TOKEN = `tracing-spec-${randomUUID()}`;
const config = loadPlatformConfig();
/** The trace a response names; fails when it names none. */
function traceIdOf(response: { headers: Headers }): string {
  const traceId = traceIdAnswered(response);
  expect(traceId).toMatch(/^[0-9a-f]{32}$/);
  return traceId!;
}

describe('tracing: one trace per payment, from the POST to the last reaction, in Zipkin', () => {
  const choreography = new Choreography({ ADMIN_TOKEN }, 3260);

  beforeAll(async () => {
    await skipNotificationsBacklog(createKafka(config, 'tracing-spec'), config);
    await choreography.start();
  }, 240_000);
  afterAll(() => choreography.stop());

  it('runs from the POST through the relay, every consumer and both follow-on events to dashboards', async () => {
    const posted = await postPayment(choreography.url('payments'), paymentBody(1));
    expect(posted.status).toBe(201);
    const spans = await paymentTrace(traceIdOf(posted));

    const post = expectPaymentPath(spans);
    expect(post.parentId).toBeUndefined();
  }, 120_000);

  it('keeps twenty payments posted at once in twenty traces of their own', async () => {
    const posted = await Promise.all(Array.from({ length: 20 }, (_, seed) => postPayment(choreography.url('payments'), paymentBody(seed))));
    const traceIds = posted.map(traceIdOf);
    expect(new Set(traceIds).size).toBe(20);
    // Each holds one payment's path, once: no record of another payment was handled under it, even when applied in one transaction with it.
    for (const traceId of traceIds) expectPaymentPath(await paymentTrace(traceId));
  }, 180_000);

  it('continues a caller\'s trace when the POST comes with a traceparent', async () => {
    const callerTrace = randomUUID().replaceAll('-', '');
    const posted = await postPayment(choreography.url('payments'), paymentBody(3), randomUUID(), { traceparent: `00-${callerTrace}-00f067aa0ba902b7-01` });
    expect(traceIdOf(posted)).toBe(callerTrace);
    const spans = await paymentTrace(callerTrace);
    expect(expectPaymentPath(spans).parentId).toBe('00f067aa0ba902b7');
  }, 120_000);

  it('keeps personal data and secrets out of spans and logs', async () => {
    const planted = { email: `planted-${randomUUID()}@example.invalid`, name: `Planted ${randomUUID()}`, key: `planted-key-${randomUUID()}` };
    const body = { ...paymentBody(4), customerEmail: planted.email, shippingAddress: { ...paymentBody(4).shippingAddress, name: planted.name } };
    const posted = await postPayment(choreography.url('payments'), body, planted.key, { Authorization: `Bearer ${ADMIN_TOKEN}` });
    // Refused requests are traced and logged too: a malformed one with the same secrets, an admin call with a wrong token beside the right one.
    const others = [
      await postPayment(choreography.url('payments'), { ...body, amountMinor: -1 }, planted.key, { Authorization: `Bearer ${ADMIN_TOKEN}` }),
      await fetch(`${choreography.url('crm')}/admin/replay`, { headers: { Authorization: `Bearer ${ADMIN_TOKEN}` } }),
      await fetch(`${choreography.url('crm')}/admin/replay`, { headers: { Authorization: `Bearer wrong-${ADMIN_TOKEN}` } }),
    ];
    expect(others.map((response) => response.status)).toEqual([400, 200, 401]);
    const traces = [await paymentTrace(traceIdOf(posted))];
    for (const response of others) traces.push(await eventually(async () => ((await zipkinTrace(traceIdOf(response))).length > 0 ? zipkinTrace(traceIdOf(response)) : undefined), 'the trace of a refused request'));

    const everything = [
      JSON.stringify(traces),
      ...SERVICE_NAMES.map((service) => readFileSync(choreography.processes.get(service)!.logFile, 'utf8')),
    ].join('\n');
    for (const secret of [planted.email, planted.name, planted.key, ADMIN_TOKEN]) expect(everything.includes(secret) ? secret : 'absent').toBe('absent');
  }, 120_000);
});
