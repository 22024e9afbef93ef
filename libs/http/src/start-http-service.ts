import { Logger, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { Registry } from 'prom-client';
import { ConfigurationError, DEFAULT_HTTP_PORTS, loadPlatformConfig, PlatformConfigModule, ProcessName } from '@ensemble/config';
import { measureHttpRequests, MetricsModule } from '@ensemble/metrics';
import { ApiErrorFilter } from './api-error.filter';
import { translateBodyParserErrors } from './body-parser-errors';
import { cutOffSlowRequests } from './cut-off-slow-requests';
import { WellFormedTextPipe } from './well-formed-text.pipe';

/** Larger JSON bodies are refused with 413 before they are parsed. */
export const BODY_LIMIT = '64kb';

/**
 * Starts a service's HTTP API on HTTP_HOST:HTTP_PORT (default 127.0.0.1 and its port in DEFAULT_HTTP_PORTS) with the platform's conventions:
 * GET /metrics and every request timed there, a body size limit, one JSON error body, and a graceful shutdown on SIGTERM. A configuration error
 * stops the process with a message naming every bad variable. `beforeListen` attaches what else the
 * service runs (its event consumers) before it takes requests.
 */
export async function startHttpService(
  service: ProcessName,
  module: Type,
  beforeListen: (app: NestExpressApplication) => Promise<void> = async () => undefined,
): Promise<NestExpressApplication> {
  const logger = new Logger(service);
  try {
    // Parsed once, before Nest starts, so that every bad variable is named in one clear message rather than an
    // initialisation dump; the module and the libraries in it receive the result through PlatformConfigModule.
    const config = loadPlatformConfig();
    const { host, port = DEFAULT_HTTP_PORTS[service], requestTimeoutMs } = config.http;
    // abortOnError: false hands start-up errors to the catch below instead of aborting with a dump.
    const app = await NestFactory.create<NestExpressApplication>(
      { module, imports: [PlatformConfigModule.forRoot(config), MetricsModule] },
      { bodyParser: false, abortOnError: false },
    );
    // First, so that requests refused before they reach a route (too slow, too large, not JSON) are timed too.
    app.use(measureHttpRequests(app.get(Registry)));
    app.use(cutOffSlowRequests(requestTimeoutMs));
    app.useBodyParser('json', { limit: BODY_LIMIT });
    app.use(translateBodyParserErrors);
    app.useGlobalFilters(new ApiErrorFilter());
    app.useGlobalPipes(new WellFormedTextPipe());
    app.enableShutdownHooks();
    await beforeListen(app);
    await app.listen(port, host);
    logger.log(`listening on http://${host}:${port}`);
    return app;
  } catch (error) {
    if (error instanceof ConfigurationError) {
      logger.error(error.message);
      process.exit(78); // EX_CONFIG
    }
    logger.error(`failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    process.exit(1);
  }
}
