import { z } from 'zod';
import { httpUrl, parseEnvironment } from './environment';

/** OpenTelemetry tracing, under the variables OpenTelemetry's SDKs read. */
export interface TracingSettings {
  /** `OTEL_SDK_DISABLED=true` turns tracing off: no span is recorded, and a record's traceparent is passed on unchanged. */
  enabled: boolean;
  /** Zipkin's span intake (`OTEL_EXPORTER_ZIPKIN_ENDPOINT`). */
  zipkinEndpoint: string;
  /**
   * The share of new traces recorded (`OTEL_TRACES_SAMPLER_ARG`, 0 to 1): a trace that comes in with
   * a request's traceparent follows the caller's sampled flag, and every event carries its trace either way.
   */
  sampleRatio: number;
}

export const ZIPKIN_SPANS_PATH = '/api/v2/spans';

export function loadTracingSettings(env: Record<string, string | undefined> = process.env): TracingSettings {
  const parsed = parseEnvironment(
    {
      OTEL_SDK_DISABLED: z.enum(['true', 'false'], 'expected true or false').default('false'),
      OTEL_EXPORTER_ZIPKIN_ENDPOINT: httpUrl.default(`http://127.0.0.1:9411${ZIPKIN_SPANS_PATH}`),
      OTEL_TRACES_SAMPLER_ARG: z.coerce.number().min(0).max(1).default(1),
    },
    env,
  );
  return { enabled: parsed.OTEL_SDK_DISABLED === 'false', zipkinEndpoint: parsed.OTEL_EXPORTER_ZIPKIN_ENDPOINT, sampleRatio: parsed.OTEL_TRACES_SAMPLER_ARG };
}

/** Where Zipkin's UI shows a trace, or undefined when tracing is off. */
export function zipkinTraceUrl(settings: TracingSettings, traceId: string): string | undefined {
  return settings.enabled ? `${new URL(settings.zipkinEndpoint).origin}/zipkin/traces/${traceId}` : undefined;
}
