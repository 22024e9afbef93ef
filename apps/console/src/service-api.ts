import { HttpStatus, Inject, Injectable } from '@nestjs/common';
import { ProcessName, SERVICE_URLS, ServiceName } from '@ensemble/config';
import { ApiError } from '@ensemble/http';
import { activeTraceparent } from '@ensemble/tracing';
import { ServiceUnreachable } from './service-unreachable';

/** How long a service may take to answer before the page is told it does not answer. */
const ANSWER_TIMEOUT_MS = 30_000;

export interface ServiceAnswer {
  status: number;
  body: unknown;
}

/**
 * The other services' HTTP APIs, as the live view reaches them on the page's behalf: a request goes
 * out with the headers the page gave, in the page's request's trace, and the service's status and
 * JSON body come back as they are.
 */
@Injectable()
export class ServiceApi {
  constructor(@Inject(SERVICE_URLS) private readonly urls: Record<ProcessName, string>) {}

  async send(service: ServiceName, path: string, request: { method: string; headers?: Record<string, string | undefined>; body?: unknown }): Promise<ServiceAnswer> {
    // The page's request and the service's answer to it are one trace (fetch is not instrumented, so the context goes by hand).
    const headers = Object.entries({ 'content-type': request.body === undefined ? undefined : 'application/json', ...request.headers, traceparent: activeTraceparent() }).filter(
      (header): header is [string, string] => header[1] !== undefined,
    );
    let response: Response;
    try {
      response = await fetch(`${this.urls[service]}${path}`, {
        method: request.method,
        headers,
        body: request.body === undefined ? undefined : JSON.stringify(request.body),
        signal: AbortSignal.timeout(ANSWER_TIMEOUT_MS),
      });
    } catch (error) {
      throw new ServiceUnreachable(service, this.urls[service], error);
    }
    const text = await response.text();
    try {
      return { status: response.status, body: JSON.parse(text) };
    } catch {
      throw new ApiError(HttpStatus.BAD_GATEWAY, 'service_answer_not_json', `${service} answered ${request.method} ${path} with ${response.status} and a body that is not JSON`);
    }
  }
}
