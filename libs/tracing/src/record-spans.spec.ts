import { context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { startProcessSpan, startSendSpan } from './record-spans';
import { activeTraceparent, traceIdOf, traceparentOrNew } from './traceparent';

const request = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

describe('record spans', () => {
  describe('with tracing off (no SDK registered)', () => {
    it('pass the traceparent they were started under on unchanged', () => {
      const send = startSendSpan(request, { topic: 'payments.payment-completed' });
      expect(send.traceparent).toBe(request);
      expect(startProcessSpan(send.traceparent, { topic: 'payments.payment-completed' }, 'crm').traceparent).toBe(request);
    });
  });

  describe('with tracing on', () => {
    const exporter = new InMemorySpanExporter();
    beforeAll(() => {
      trace.setGlobalTracerProvider(new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }));
      context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    });
    afterAll(() => {
      trace.disable();
      context.disable();
    });
    beforeEach(() => exporter.reset());

    it('chain the request, the send, the handling and what the handling sends into one trace', async () => {
      const send = startSendSpan(request, { topic: 'payments.payment-completed', eventId: 'e-1' });
      const processing = startProcessSpan(send.traceparent, { topic: 'payments.payment-completed', partition: 3, offset: '42' }, 'invoice');
      const inside = await processing.run(async () => activeTraceparent());
      const followOn = startSendSpan(processing.traceparent, { topic: 'invoice.invoice-issued' });
      followOn.end();
      processing.end();
      send.end();

      expect(inside).toBe(processing.traceparent);
      const spans = exporter.getFinishedSpans();
      const byName = Object.fromEntries(spans.map((span) => [span.name, span]));
      expect(spans.map((span) => span.spanContext().traceId)).toEqual(Array(3).fill(traceIdOf(request)));
      expect(byName['send payments.payment-completed'].parentSpanContext?.spanId).toBe('00f067aa0ba902b7');
      expect(byName['process payments.payment-completed'].parentSpanContext?.spanId).toBe(send.traceparent.split('-')[2]);
      expect(byName['send invoice.invoice-issued'].parentSpanContext?.spanId).toBe(processing.traceparent.split('-')[2]);
      expect(byName['process payments.payment-completed'].attributes).toMatchObject({
        'messaging.consumer.group.name': 'invoice',
        'messaging.destination.partition.id': '3',
        'messaging.kafka.offset': 42,
      });
    });

    it('mark a span failed with the reason it ended with, at the time given', () => {
      const acknowledgedAt = Math.floor(Date.now() / 1_000) * 1_000 + 2_000;
      startProcessSpan(request, { topic: 't' }, 'crm').end('conflicting-duplicate', acknowledgedAt);
      const [span] = exporter.getFinishedSpans();
      expect(span.status).toEqual({ code: 2, message: 'conflicting-duplicate' });
      expect(span.endTime).toEqual([acknowledgedAt / 1_000, 0]);
    });

    it('start a trace of their own, as its root, for a record without a valid traceparent', () => {
      for (const parent of [undefined, 'garbage', '00-00000000000000000000000000000000-00f067aa0ba902b7-01']) {
        const span = startSendSpan(parent, { topic: 't' });
        span.end();
        expect(traceIdOf(span.traceparent)).toMatch(/^(?!0{32})[0-9a-f]{32}$/);
      }
      expect(exporter.getFinishedSpans().map((span) => span.parentSpanContext)).toEqual([undefined, undefined, undefined]);
    });
  });
});

describe('traceparentOrNew', () => {
  it('keeps a valid traceparent', () => {
    expect(traceparentOrNew(` ${request.toUpperCase()} `)).toBe(request);
  });

  it('starts a new sampled trace for anything else', () => {
    for (const given of [undefined, '', 'garbage', '00-00000000000000000000000000000000-00f067aa0ba902b7-01', '00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01']) {
      expect(traceparentOrNew(given)).toMatch(/^00-(?!0{32})[0-9a-f]{32}-[0-9a-f]{16}-01$/);
    }
  });
});
