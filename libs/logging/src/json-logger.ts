import { isSpanContextValid, trace } from '@opentelemetry/api';
import { DestinationStream, Logger, pino } from 'pino';
import type { LogLevel } from '@ensemble/config';

/**
 * Never written, whatever a log call or a serializer hands over: request and response headers
 * (`Authorization`, which carries the admin token; `Idempotency-Key`; cookies) and those secrets by
 * name. The request serializer already leaves headers out; this is the second line of defence.
 */
const REDACTED_PATHS = [
  'headers',
  '*.headers',
  'authorization',
  '*.authorization',
  'cookie',
  '*.cookie',
  '["idempotency-key"]',
  '*["idempotency-key"]',
  'adminToken',
  '*.adminToken',
];

/**
 * The ids of the active OpenTelemetry span; none when nothing is traced, or no tracer is registered
 * at all. A new object each time: pino merges the line's own fields into it.
 */
function activeTraceFields(): { trace_id?: string; span_id?: string } {
  const context = trace.getActiveSpan()?.spanContext();
  return context && isSpanContextValid(context) ? { trace_id: context.traceId, span_id: context.spanId } : {};
}

/**
 * What an error says: its type, message, stack and code (an SQLSTATE, say), and nothing else. A
 * driver's error also carries the query's parameters or the row it refused (`detail`), which may
 * hold an email or an address; pino's own serializer would write them all.
 */
function errorSummary(error: unknown): { type?: string; message: string; stack?: string; code?: string } {
  if (!(error instanceof Error)) return { message: String(error) };
  const code = (error as { code?: unknown }).code;
  return { type: error.name, message: error.message, stack: error.stack, ...(typeof code === 'string' ? { code } : {}) };
}

/**
 * The pino logger of one process: a JSON line per entry on stdout (or `destination`), each with
 * `service` (the process's name), `level` as a word, `time` in ISO 8601, and the `trace_id` and
 * `span_id` of the span active when it was written.
 */
export function createJsonLogger(processName: string, level: LogLevel = 'info', destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: processName, pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      mixin: activeTraceFields,
      serializers: { err: errorSummary },
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    },
    destination,
  );
}
