import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { CONSUMING_SERVICES, loadPlatformConfig, SERVICE_NAMES } from '@ensemble/config';
import { Choreography, eventually, paymentBody, postPayment } from '@ensemble/testing';

const ADMIN_TOKEN = `tracing-spec-${randomUUID()}`;
const zipkin = new URL(loadPlatformConfig().tracing.zipkinEndpoint).origin;

/** A span as Zipkin's API v2 returns it. */
interface ZipkinSpan {
  traceId: string;
  id: string;
  parentId?: string;
  name: string;
  kind?: string;
  localEndpoint: { serviceName: string };
  tags?: Record<string, string>;
}

async function traceOf(traceId: string): Promise<ZipkinSpan[]> {
  const response = await fetch(`${zipkin}/api/v2/trace/${traceId}`);
  return response.ok ? ((await response.json()) as ZipkinSpan[]) : [];
}

/** The trace a response names in its traceresponse header. */
function traceIdOf(response: { headers: Headers }): string {
  const traceresponse = response.headers.get('traceresponse');
  expect(traceresponse).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
  return traceresponse!.split('-')[1];
}

/** The span `service` recorded under `name` (Zipkin writes names in lower case) in `spans`; fails unless there is exactly one. */
function only(spans: ZipkinSpan[], service: string, name: string): ZipkinSpan {
  const found = spans.filter((span) => span.localEndpoint.serviceName === service && span.name === name);
  expect(found.map((span) => `${service}: ${span.name}`)).toEqual([`${service}: ${name}`]);
  return found[0];
}

/** The parent of each span with the expected children is the span given, by id. */
function expectChildOf(parent: ZipkinSpan, ...children: ZipkinSpan[]): void {
  for (const child of children) expect({ span: child.name, service: child.localEndpoint.serviceName, parentId: child.parentId }).toEqual({ span: child.name, service: child.localEndpoint.serviceName, parentId: parent.id });
}

/** The spans of a payment's whole path, once Zipkin holds all of them (each process sends its spans every few seconds). */
function completePath(traceId: string): Promise<ZipkinSpan[]> {
  return eventually(async () => {
    const spans = await traceOf(traceId);
    const processed = (topic: string) => spans.filter((span) => span.name === `process ${topic}`).length;
    const complete = processed('payments.payment-completed') >= CONSUMING_SERVICES.length && processed('invoice.invoice-issued') >= 1 && processed('shipping.shipment-scheduled') >= 1;
    return complete ? spans : undefined;
  }, `trace ${traceId} to reach dashboards through both follow-on events`);
}

describe('tracing: one trace per payment, from the POST to the last reaction, in Zipkin', () => {
  const choreography = new Choreography({ ADMIN_TOKEN }, 3260);

  beforeAll(() => choreography.start(), 240_000);
  afterAll(() => choreography.stop());

  it('runs from the POST through the relay, every consumer and both follow-on events to dashboards', async () => {
    const posted = await postPayment(choreography.url('payments'), paymentBody(1));
    expect(posted.status).toBe(201);
    const spans = await completePath(traceIdOf(posted));

    const post = only(spans, 'payments', 'post /payments');
    expect(post.kind).toBe('SERVER');
    expect(post.parentId).toBeUndefined();
    const sendPayment = only(spans, 'payments', 'send payments.payment-completed');
    expectChildOf(post, sendPayment);
    const handled = Object.fromEntries(CONSUMING_SERVICES.map((service) => [service, only(spans, service, 'process payments.payment-completed')]));
    expectChildOf(sendPayment, ...Object.values(handled));
    expect(handled.crm.tags).toMatchObject({ 'messaging.consumer.group.name': 'crm', 'messaging.message.id': expect.any(String) });

    const sendInvoice = only(spans, 'invoice', 'send invoice.invoice-issued');
    const sendShipment = only(spans, 'shipping', 'send shipping.shipment-scheduled');
    expectChildOf(handled.invoice, sendInvoice);
    expectChildOf(handled.shipping, sendShipment);
    expectChildOf(sendInvoice, only(spans, 'dashboards', 'process invoice.invoice-issued'));
    expectChildOf(sendShipment, only(spans, 'dashboards', 'process shipping.shipment-scheduled'));
    expect(new Set(spans.map((span) => span.traceId))).toEqual(new Set([post.traceId]));
  }, 120_000);

  it('keeps twenty payments posted at once in twenty traces of their own', async () => {
    const posted = await Promise.all(Array.from({ length: 20 }, (_, seed) => postPayment(choreography.url('payments'), paymentBody(seed))));
    const traceIds = posted.map(traceIdOf);
    expect(new Set(traceIds).size).toBe(20);
    for (const traceId of traceIds) {
      const spans = await completePath(traceId);
      const paymentIds = new Set(spans.filter((span) => span.name === 'send payments.payment-completed').map((span) => span.tags?.['messaging.message.id']));
      expect(paymentIds.size).toBe(1);
    }
  }, 180_000);

  it('continues a caller\'s trace when the POST comes with a traceparent', async () => {
    const callerTrace = randomUUID().replaceAll('-', '');
    const posted = await postPayment(choreography.url('payments'), paymentBody(3), randomUUID(), { traceparent: `00-${callerTrace}-00f067aa0ba902b7-01` });
    expect(traceIdOf(posted)).toBe(callerTrace);
    const spans = await completePath(callerTrace);
    expect(only(spans, 'payments', 'post /payments').parentId).toBe('00f067aa0ba902b7');
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
    const traces = [await completePath(traceIdOf(posted))];
    for (const response of others) traces.push(await eventually(async () => ((await traceOf(traceIdOf(response))).length > 0 ? traceOf(traceIdOf(response)) : undefined), 'the trace of a refused request'));

    const everything = [
      JSON.stringify(traces),
      ...SERVICE_NAMES.map((service) => readFileSync(choreography.processes.get(service)!.logFile, 'utf8')),
    ].join('\n');
    for (const secret of [planted.email, planted.name, planted.key, ADMIN_TOKEN]) expect(everything.includes(secret) ? secret : 'absent').toBe('absent');
  }, 120_000);
});
