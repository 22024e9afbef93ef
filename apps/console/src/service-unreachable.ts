import { HttpStatus } from '@nestjs/common';
import { ServiceName, serviceUrlVariable } from '@ensemble/config';
import { ApiError } from '@ensemble/http';

/** 502: a service that the console reached on the page's behalf did not answer. */
export class ServiceUnreachable extends ApiError {
  constructor(service: ServiceName, url: string, error: unknown) {
    const reason = (error as { cause?: Error }).cause?.message ?? (error as Error).message;
    super(HttpStatus.BAD_GATEWAY, 'service_unreachable', `${service} does not answer at ${url} (${reason}); is it running, and does ${serviceUrlVariable(service)} point at it?`);
  }
}
