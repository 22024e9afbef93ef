import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { HttpLogger, Options, pinoHttp } from 'pino-http';
import type { Request } from 'express';
import { routePattern } from '@ensemble/metrics';

/** Answered by machines that poll them (start-up waits, Prometheus): their answers say what they need to. */
const UNLOGGED_PATHS = new Set(['/health', '/metrics']);

/**
 * What a line says of a request's path: the pattern of the route that took it (`/customers/:customerId`,
 * never the ids in it), else the path without its query.
 */
function pathOf(request: IncomingMessage): string {
  const routed = routePattern(request as Request);
  if (routed) return routed;
  const url = (request as IncomingMessage & { originalUrl?: string }).originalUrl ?? request.url ?? '';
  const query = url.indexOf('?');
  return query === -1 ? url : url.slice(0, query);
}

function describeAnswer(request: IncomingMessage, response: ServerResponse): string {
  return `${request.method} ${pathOf(request)} ${response.writableEnded ? `answered ${response.statusCode}` : 'aborted'}`;
}

/**
 * How requests are logged: a line per request answered, with its method, path, status and
 * `responseTime` (ms), never a header or a body. 5xx answers are logged as errors and 4xx as
 * warnings; the others at `debug`, which the default `info` leaves out: under load a line for each
 * would cost CPU for nothing anyone reads.
 */
const REQUEST_LOGGING: Options = {
  // The serializers below see the request and the response themselves, so that nothing else of them is even read.
  wrapSerializers: false,
  serializers: {
    req: (request: IncomingMessage) => ({ method: request.method, url: pathOf(request) }),
    res: (response: ServerResponse) => ({ statusCode: response.statusCode }),
  },
  autoLogging: { ignore: (request) => UNLOGGED_PATHS.has(pathOf(request)) },
  customLogLevel: (_request, response, error) => (error || response.statusCode >= 500 ? 'error' : response.statusCode >= 400 ? 'warn' : 'debug'),
  customSuccessMessage: describeAnswer,
  customErrorMessage: describeAnswer,
  customSuccessObject: (_request, response, { responseTime }) => ({ context: 'http', res: response, responseTime }),
  // Without the error: what failed is logged where it was caught (the API's exception filter), with its stack.
  customErrorObject: (_request, response, _error, { responseTime }) => ({ context: 'http', res: response, responseTime }),
};

/**
 * pino-http's middleware over the process's logger, logging as {@link REQUEST_LOGGING} says. It also
 * gives each request a logger of its own, bound to its method and path, which `LoggingModule`
 * keeps for whatever is logged while the request is handled.
 */
export function logRequests(logger: Logger): HttpLogger {
  return pinoHttp({ logger, ...REQUEST_LOGGING });
}
