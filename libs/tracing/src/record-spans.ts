import { context, Context, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { traceparentOf, traceparentOrNew, validTraceparent } from './traceparent';

const tracer = trace.getTracer('ensemble');

/** A span about one Kafka record, and the `traceparent` that names it. */
export interface RecordSpan {
  /** The span's traceparent; with tracing off, the one it was started under, passed on unchanged. */
  readonly traceparent: string;
  /** Runs `work` with this span active, so that the queries and requests it makes are its children. */
  run<T>(work: () => Promise<T>): Promise<T>;
  /**
   * Ends the span, at `endedAt` (epoch milliseconds) if given, else now; failed when `failure` is
   * given, a reason that names no data (span status travels to the trace store).
   */
  end(failure?: string, endedAt?: number): void;
}

/** Where a record is, for its span's attributes. */
export interface RecordAddress {
  /** Kafka unless said: `rabbitmq` for a job on a work queue, whose `topic` is the queue. */
  system?: 'kafka' | 'rabbitmq';
  topic: string;
  partition?: number;
  offset?: string;
  eventId?: string;
  eventType?: string;
}

/**
 * The span of a relay sending a record, child of `parent`, the traceparent its outbox row kept (the
 * request's or the handling's that wrote it). The record carries this span's traceparent.
 */
export function startSendSpan(parent: string | undefined, record: RecordAddress): RecordSpan {
  return startRecordSpan(`send ${record.topic}`, SpanKind.PRODUCER, parent, record);
}

/**
 * The span of a consumer applying a record, child of the record's producer span; `group` is the
 * consumer group. Records applied together in one transaction each get their own, so that every
 * record's trace runs on through the consumer and the events its handling sets off.
 */
export function startProcessSpan(parent: string | undefined, record: RecordAddress, group: string): RecordSpan {
  return startRecordSpan(`process ${record.topic}`, SpanKind.CONSUMER, parent, record, { 'messaging.consumer.group.name': group });
}

function startRecordSpan(name: string, kind: SpanKind, parent: string | undefined, record: RecordAddress, extra: Record<string, string> = {}): RecordSpan {
  // A record without a valid traceparent starts a trace of its own.
  const validParent = validTraceparent(parent);
  const parentContext = validParent ? contextOf(validParent) : ROOT_CONTEXT;
  const span = tracer.startSpan(
    name,
    {
      kind,
      attributes: {
        'messaging.system': record.system ?? 'kafka',
        'messaging.operation.type': kind === SpanKind.PRODUCER ? 'send' : 'process',
        'messaging.destination.name': record.topic,
        ...(record.partition === undefined ? {} : { 'messaging.destination.partition.id': String(record.partition) }),
        ...(record.offset === undefined ? {} : { 'messaging.kafka.offset': Number(record.offset) }),
        ...(record.eventId ? { 'messaging.message.id': record.eventId } : {}),
        ...(record.eventType ? { 'ensemble.event_type': record.eventType } : {}),
        ...extra,
      },
    },
    parentContext,
  );
  const spanContext = trace.setSpan(parentContext, span);
  return {
    traceparent: traceparentOf(span.spanContext()) ?? traceparentOrNew(validParent),
    run: (work) => context.with(spanContext, work),
    end: (failure, endedAt) => {
      if (failure !== undefined) span.setStatus({ code: SpanStatusCode.ERROR, message: failure });
      span.end(endedAt);
    },
  };
}

function contextOf(traceparent: string): Context {
  const [, traceId, spanId, flags] = traceparent.split('-');
  return trace.setSpanContext(ROOT_CONTEXT, { traceId, spanId, traceFlags: parseInt(flags, 16), isRemote: true });
}
