import { randomBytes } from 'node:crypto';
import { context, SpanContext, trace } from '@opentelemetry/api';
import { suppressTracing } from '@opentelemetry/core';

const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;

/** The W3C `traceparent` of the span now active, if a valid one is. */
export function activeTraceparent(): string | undefined {
  return traceparentOf(trace.getActiveSpan()?.spanContext());
}

/** The W3C `traceparent` that names a span, if its context is valid. */
export function traceparentOf(context: SpanContext | undefined): string | undefined {
  if (!context || !trace.isSpanContextValid(context)) return undefined;
  return `00-${context.traceId}-${context.spanId}-${context.traceFlags.toString(16).padStart(2, '0')}`;
}

/** `traceparent` normalised, if it is a valid W3C one (ids not all zeros). */
export function validTraceparent(traceparent?: string): string | undefined {
  const parsed = traceparent ? TRACEPARENT.exec(traceparent.trim().toLowerCase()) : null;
  return parsed && !/^0+$/.test(parsed[1]) && !/^0+$/.test(parsed[2]) ? parsed[0] : undefined;
}

/** `traceparent` if it is a valid W3C one, else the start of a new sampled trace: every event travels in a trace. */
export function traceparentOrNew(traceparent?: string): string {
  return validTraceparent(traceparent) ?? `00-${randomBytes(16).toString('hex')}-${randomBytes(8).toString('hex')}-01`;
}

/** The trace id a `traceparent` names, if it is valid. */
export function traceIdOf(traceparent?: string): string | undefined {
  return validTraceparent(traceparent)?.split('-')[1];
}

/**
 * Names the active span, a request's server span, after the route that took the request (`GET
 * /payments/:id`), and puts the route in place of the path, whose ids (a customer's) stay out of traces.
 */
export function nameRequestSpan(method: string, route: string): void {
  const span = trace.getActiveSpan();
  span?.updateName(`${method} ${route}`);
  span?.setAttributes({ 'http.route': route, 'url.path': route });
}

/** Runs `work` with tracing suppressed: nothing it starts, then or later, records a span (a replay's queries). */
export function untraced<T>(work: () => T): T {
  return context.with(suppressTracing(context.active()), work);
}
