import { Logger, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import type { NextFunction, Request, Response } from 'express';
import { Registry } from 'prom-client';
import { ConfigurationError, DEFAULT_HTTP_PORTS, loadPlatformConfig, PlatformConfig, PlatformConfigModule, ProcessName } from '@ensemble/config';
import { createJsonLogger, LoggingModule, logRequests, nestLoggerOver } from '@ensemble/logging';
import { measureHttpRequests, MetricsModule } from '@ensemble/metrics';
import { activeTraceparent, FlushTracingOnShutdown } from '@ensemble/tracing';
import { ApiErrorFilter } from './api-error.filter';
import { translateBodyParserErrors } from './body-parser-errors';
import { cutOffSlowRequests } from './cut-off-slow-requests';
import { NameRequestSpan } from './name-request-span.interceptor';
import { WellFormedTextPipe } from './well-formed-text.pipe';

/** Larger JSON bodies are refused with 413 before they are parsed. */
export const BODY_LIMIT = '64kb';

/**
 * Starts a service's HTTP API on HTTP_HOST:HTTP_PORT (default 127.0.0.1 and its port in DEFAULT_HTTP_PORTS) with the platform's conventions:
 * JSON logs, GET /metrics and every request timed there, a body size limit, one JSON error body, and a graceful shutdown on SIGTERM. A configuration error
 * stops the process with a message naming every bad variable. `beforeListen` attaches what else the
 * service runs (its event consumers) before it takes requests.
 */
export async function startHttpService(
  service: ProcessName,
  module: Type,
  beforeListen: (app: NestExpressApplication) => Promise<void> = async () => undefined,
): Promise<NestExpressApplication> {
  const config = loadConfigurationOrExit(service);
  const jsonLogger = createJsonLogger(service, config.logging.level);
  const logger = new Logger(service);
  try {
    const { host, port = DEFAULT_HTTP_PORTS[service], requestTimeoutMs } = config.http;
    // abortOnError: false hands start-up errors to the catch below instead of aborting with a dump.
    const app = await NestFactory.create<NestExpressApplication>(
      { module, imports: [PlatformConfigModule.forRoot(config), LoggingModule.forLogger(jsonLogger), MetricsModule], providers: [FlushTracingOnShutdown] },
      { bodyParser: false, abortOnError: false, logger: nestLoggerOver(jsonLogger) },
    );
    // First, so that what the middlewares after them answer (408, 413, malformed JSON) is timed and logged too.
    app.use(measureHttpRequests(app.get(Registry)));
    app.use(logRequests(jsonLogger));
    app.use(answerWithTrace);
    app.use(cutOffSlowRequests(requestTimeoutMs));
    app.useBodyParser('json', { limit: BODY_LIMIT });
    app.use(translateBodyParserErrors);
    app.useGlobalFilters(new ApiErrorFilter());
    app.useGlobalPipes(new WellFormedTextPipe());
    app.useGlobalInterceptors(new NameRequestSpan());
    app.enableShutdownHooks();
    await beforeListen(app);
    await app.listen(port, host);
    logger.log(`listening on http://${host}:${port}`);
    return app;
  } catch (error) {
    logger.error({ err: error }, 'failed to start');
    process.exit(1);
  }
}

/**
 * Names the request's trace in a `traceresponse` header (W3C Trace Context, level 2), so that a
 * caller can find in Zipkin what its request set off. Absent when tracing is off.
 */
function answerWithTrace(_request: Request, response: Response, next: NextFunction): void {
  const traceparent = activeTraceparent();
  if (traceparent) response.setHeader('traceresponse', traceparent);
  next();
}

/**
 * The configuration, parsed once before anything starts, so that every bad variable is named in one
 * line (JSON, as every other line of the process) rather than in an initialisation dump; the module
 * and the libraries in it receive it through PlatformConfigModule. A bad one ends the process.
 */
function loadConfigurationOrExit(service: ProcessName): PlatformConfig {
  try {
    return loadPlatformConfig();
  } catch (error) {
    if (!(error instanceof ConfigurationError)) throw error;
    createJsonLogger(service).error(error.message);
    process.exit(78); // EX_CONFIG
  }
}
