import type { IncomingMessage } from 'node:http';
import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { ZipkinExporter } from '@opentelemetry/exporter-zipkin';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, ParentBasedSampler, TraceIdRatioBasedSampler } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';
import { ConfigurationError, loadTracingSettings, ProcessName } from '@ensemble/config';

/** Requests that only watch the process (scrapes, health checks, the live view's stream): no trace of their own. */
const UNTRACED_PATHS = ['/metrics', '/health', '/live/stream'];

let provider: NodeTracerProvider | undefined;

/**
 * Starts OpenTelemetry in this process, as `name`, exporting spans to Zipkin: a server span for each
 * HTTP request, a client span for each request made within a trace, a span for each PostgreSQL query
 * made within a trace. Must run before anything loads `http` or `pg`, so each process's `main.ts`
 * imports its `tracing.ts` first. Does nothing when `OTEL_SDK_DISABLED=true`, or when the variables
 * are wrong: the process's configuration check names them as it starts.
 */
export function startTracing(name: ProcessName): void {
  let settings;
  try {
    settings = loadTracingSettings();
  } catch (error) {
    if (error instanceof ConfigurationError) return;
    throw error;
  }
  if (!settings.enabled || provider) return;
  provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ [ATTR_SERVICE_NAME]: name }),
    sampler: new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(settings.sampleRatio) }),
    spanProcessors: [new BatchSpanProcessor(new ZipkinExporter({ url: settings.zipkinEndpoint }))],
  });
  provider.register();
  registerInstrumentations({
    tracerProvider: provider,
    instrumentations: [
      new HttpInstrumentation({
        ignoreIncomingRequestHook: (request: IncomingMessage) => UNTRACED_PATHS.some((path) => request.url?.startsWith(path)),
        // A request made outside a trace (a schema lookup while decoding a record) starts none.
        requireParentforOutgoingSpans: true,
      }),
      // Queries outside a trace (the relay's polling, the inbox of a whole chunk) record nothing, nor does taking a connection from the pool.
      new PgInstrumentation({ requireParentSpan: true, ignoreConnectSpans: true }),
    ],
  });
}

async function flushTracing(): Promise<void> {
  await provider?.forceFlush();
}

/** Sends the spans still buffered when the process shuts down. */
@Injectable()
export class FlushTracingOnShutdown implements OnApplicationShutdown {
  onApplicationShutdown(): Promise<void> {
    return flushTracing();
  }
}
