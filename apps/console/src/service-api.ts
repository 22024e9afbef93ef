import { HttpStatus, Inject, Injectable } from '@nestjs/common';
import { SERVICE_URLS, ServiceName, serviceUrlVariable } from '@ensemble/config';
import { ApiError } from '@ensemble/http';

/** A replay's start prepares its shadow schema before answering: give it time. */
const ANSWER_TIMEOUT_MS = 30_000;

export interface ServiceAnswer {
  status: number;
  body: unknown;
}

/**
 * The other services' HTTP APIs, as the live view reaches them on the page's behalf: a request goes
 * out with the headers the page gave, and the service's status and JSON body come back as they are.
 */
@Injectable()
export class ServiceApi {
  constructor(@Inject(SERVICE_URLS) private readonly urls: Record<ServiceName, string>) {}

  async send(service: ServiceName, path: string, request: { method: string; headers?: Record<string, string | undefined>; body?: unknown }): Promise<ServiceAnswer> {
    const headers = Object.entries({ 'content-type': request.body === undefined ? undefined : 'application/json', ...request.headers }).filter(
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
      const reason = (error as { cause?: Error }).cause?.message ?? (error as Error).message;
      throw new ApiError(
        HttpStatus.BAD_GATEWAY,
        'service_unreachable',
        `${service} does not answer at ${this.urls[service]} (${reason}); is it running, and does ${serviceUrlVariable(service)} point at it?`,
      );
    }
    const text = await response.text();
    try {
      return { status: response.status, body: JSON.parse(text) };
    } catch {
      throw new ApiError(HttpStatus.BAD_GATEWAY, 'service_answer_not_json', `${service} answered ${request.method} ${path} with ${response.status} and a body that is not JSON`);
    }
  }
}
