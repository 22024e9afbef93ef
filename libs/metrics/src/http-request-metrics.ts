import type { NextFunction, Request, Response } from 'express';
import { Histogram, Registry } from 'prom-client';

/** The route label of a request that no route answered: a path nothing matches, or a body refused before routing. */
export const UNMATCHED_ROUTE = 'unmatched';

/**
 * Express middleware that times every request, from its arrival to the end of its answer (or the
 * client going away), as `http_request_duration_seconds` by method, route and status code (`aborted` when the client went away first). The
 * route is the pattern that matched (`/payments/:id`), never the path asked for: paths carry ids,
 * which would make a series per payment and put customers' data into labels.
 */
export function measureHttpRequests(registry: Registry): (request: Request, response: Response, next: NextFunction) => void {
  const duration = new Histogram({
    name: 'http_request_duration_seconds',
    help: `Time from a request's arrival to the end of its answer, by method, route pattern ("${UNMATCHED_ROUTE}": none matched, or the request was refused before routing) and status code`,
    labelNames: ['method', 'route', 'status_code'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  return (request, response, next) => {
    const started = performance.now();
    // 'close' comes after the answer has been written, and also when the client went away before it.
    response.once('close', () => {
      // A stream (the live view's, a replay's progress) lasts as long as its reader stays: not a request's duration.
      if (String(response.getHeader('content-type') ?? '').startsWith('text/event-stream')) return;
      const route = routePattern(request) ?? UNMATCHED_ROUTE;
      const status = response.writableFinished ? response.statusCode : 'aborted';
      duration.observe({ method: request.method, route, status_code: status }, (performance.now() - started) / 1_000);
    });
    next();
  };
}

/** The pattern of the route that took a request (`/payments/:id`), once routed; undefined when none did. */
export function routePattern(request: Request): string | undefined {
  return request.route ? `${request.baseUrl}${String(request.route.path)}` : undefined;
}
