import { loadPlatformConfig, reactingTo } from '@ensemble/config';
import { traceIdOf } from '@ensemble/tracing';
import { eventually } from './choreography';

/** A span as Zipkin's API v2 returns it. */
export interface ZipkinSpan {
  traceId: string;
  id: string;
  parentId?: string;
  /** In lower case: Zipkin writes names so. */
  name: string;
  kind?: string;
  localEndpoint: { serviceName: string };
  tags?: Record<string, string>;
}

/** The spans Zipkin (where OTEL_EXPORTER_ZIPKIN_ENDPOINT points) holds of a trace, none if it holds none yet. */
export async function zipkinTrace(traceId: string): Promise<ZipkinSpan[]> {
  const response = await fetch(`${new URL(loadPlatformConfig().tracing.zipkinEndpoint).origin}/api/v2/trace/${traceId}`);
  return response.ok ? ((await response.json()) as ZipkinSpan[]) : [];
}

/**
 * The spans of a payment's whole path, once Zipkin holds them all: every consumer's handling of the
 * payment and of both follow-on events, and the sending of both emails (each process sends its
 * spans every few seconds).
 */
export function paymentTrace(traceId: string): Promise<ZipkinSpan[]> {
  return eventually(async () => {
    const spans = await zipkinTrace(traceId);
    const named = (name: string) => spans.filter((span) => span.name === name).length;
    const complete =
      named('process payments.payment-completed') >= reactingTo('PaymentCompleted').length &&
      named('process invoice.invoice-issued') >= reactingTo('InvoiceIssued').length &&
      named('process shipping.shipment-scheduled') >= reactingTo('ShipmentScheduled').length &&
      named('send notifications.email-sent') >= 2;
    return complete ? spans : undefined;
  }, `trace ${traceId} to reach every consumer through both follow-on events, and both emails to be sent`);
}

/** The trace a response names in its traceresponse header, if it names one. */
export function traceIdAnswered(response: { headers: Headers }): string | undefined {
  return traceIdOf(response.headers.get('traceresponse') ?? undefined);
}

/** The span `service` recorded under `name` in `spans`, as the child of `parent` when given; fails unless there is exactly one. */
function only(spans: ZipkinSpan[], service: string, name: string, parent?: ZipkinSpan): ZipkinSpan {
  const found = spans.filter((span) => span.localEndpoint.serviceName === service && span.name === name && (!parent || span.parentId === parent.id));
  expect(found.map((span) => `${service}: ${span.name}`)).toEqual([`${service}: ${name}`]);
  return found[0];
}

/** The parent of each span with the expected children is the span given, by id. */
function expectChildOf(parent: ZipkinSpan, ...children: ZipkinSpan[]): void {
  for (const child of children) expect({ span: child.name, service: child.localEndpoint.serviceName, parentId: child.parentId }).toEqual({ span: child.name, service: child.localEndpoint.serviceName, parentId: parent.id });
}

/**
 * Checks that `spans`, one trace, hold a payment's whole path: payments' `POST /payments` -> the
 * relay's send -> each consumer's handling -> invoice's and shipping's sends of the follow-on events
 * -> dashboards' and notifications' handling of each -> for each email, its job's send to the work
 * queue -> the worker's delivery -> the send of its EmailSent, every span the child of the one
 * before it. Returns the POST's span, for the caller to check what is above it.
 */
export function expectPaymentPath(spans: ZipkinSpan[]): ZipkinSpan {
  const post = only(spans, 'payments', 'post /payments');
  expect(post.kind).toBe('SERVER');
  const sendPayment = only(spans, 'payments', 'send payments.payment-completed');
  expectChildOf(post, sendPayment);
  const handled = Object.fromEntries(reactingTo('PaymentCompleted').map((service) => [service, only(spans, service, 'process payments.payment-completed')]));
  expectChildOf(sendPayment, ...Object.values(handled));
  expect(handled.crm.tags).toMatchObject({ 'messaging.consumer.group.name': 'crm', 'messaging.message.id': expect.any(String) });

  const sendInvoice = only(spans, 'invoice', 'send invoice.invoice-issued');
  const sendShipment = only(spans, 'shipping', 'send shipping.shipment-scheduled');
  expectChildOf(handled.invoice, sendInvoice);
  expectChildOf(handled.shipping, sendShipment);
  expectChildOf(sendInvoice, only(spans, 'dashboards', 'process invoice.invoice-issued'));
  expectChildOf(sendShipment, only(spans, 'dashboards', 'process shipping.shipment-scheduled'));
  for (const [send, topic] of [[sendInvoice, 'invoice.invoice-issued'], [sendShipment, 'shipping.shipment-scheduled']] as const) {
    const queued = only(spans, 'notifications', `process ${topic}`, send);
    const job = only(spans, 'notifications', 'send notifications.emails', queued);
    const delivered = only(spans, 'notifications', 'process notifications.emails', job);
    only(spans, 'notifications', 'send notifications.email-sent', delivered);
  }
  expect(new Set(spans.map((span) => span.traceId))).toEqual(new Set([post.traceId]));
  return post;
}
