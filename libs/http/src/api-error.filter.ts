import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import { Response } from 'express';
import { Observable, throwError } from 'rxjs';
import { isDatabaseUnavailable } from '@ensemble/database';
import { DomainError, DomainErrorKind } from '@ensemble/errors';
import { ApiError, ApiErrorBody, ServiceUnavailable } from './api-error';

/** The status each kind of domain error is answered with. */
const STATUS_OF_KIND: Record<DomainErrorKind, HttpStatus> = {
  'not-found': HttpStatus.NOT_FOUND,
  conflict: HttpStatus.CONFLICT,
  invalid: HttpStatus.BAD_REQUEST,
  'too-large': HttpStatus.PAYLOAD_TOO_LARGE,
  unsupported: HttpStatus.UNPROCESSABLE_ENTITY,
  busy: HttpStatus.TOO_MANY_REQUESTS,
  unavailable: HttpStatus.SERVICE_UNAVAILABLE,
};

/**
 * Turns every HTTP error, and every {@link DomainError} a service or library throws, into the
 * {@link ApiErrorBody} shape (with `Retry-After` when the error says when to try again); unexpected
 * errors become a 500 that reveals nothing. An event handler's error passes unchanged to its transport, which needs the
 * original to choose between a retry and the dead-letter topic and to say what went wrong (Nest's
 * default would replace it with a generic one).
 */
@Catch()
export class ApiErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('http');

  catch(exception: unknown, host: ArgumentsHost): void | Observable<never> {
    if (host.getType() === 'rpc') return throwError(() => exception);
    const response = host.switchToHttp().getResponse<Response>();
    // Already answered (a request cut off while its body was being read): nothing more to say.
    if (response.headersSent) return;
    // A health check's 503 keeps Terminus's body, which names each part and its status.
    if (exception instanceof HttpException && isHealthReport(exception.getResponse())) {
      response.status(exception.getStatus()).json(exception.getResponse());
      return;
    }
    const answered = this.asApiError(exception) ?? exception;
    if (answered instanceof ApiError && answered.retryAfterSeconds !== undefined) response.setHeader('Retry-After', String(answered.retryAfterSeconds));
    const body = this.toBody(answered);
    response.status(body.error.status).json(body);
  }

  /**
   * A domain error as the HTTP error of its kind; the database away as a 503 with Retry-After, which
   * clients can tell from a request that is wrong or a service that is broken.
   */
  private asApiError(exception: unknown): ApiError | undefined {
    if (exception instanceof DomainError) {
      const { fields, retryAfterSeconds } = exception.details;
      return new ApiError(STATUS_OF_KIND[exception.kind], exception.code, exception.message, fields, retryAfterSeconds);
    }
    if (!(exception instanceof HttpException) && isDatabaseUnavailable(exception)) return new ServiceUnavailable('database_unavailable', 'The service\'s database cannot be reached right now; try again shortly.');
    return undefined;
  }

  private toBody(exception: unknown): ApiErrorBody {
    if (exception instanceof HttpException) {
      const response = exception.getResponse();
      if (typeof response === 'object' && response !== null && 'error' in response && typeof response.error === 'object') {
        return response as ApiErrorBody;
      }
      return error(exception.getStatus(), codeFor(exception.getStatus()), exception.message);
    }
    // The error's type, message, stack and code only: a driver's error also holds the query's parameters (see libs/logging).
    this.logger.error({ err: exception }, 'answered 500: the request failed unexpectedly');
    return error(HttpStatus.INTERNAL_SERVER_ERROR, 'internal_error', 'The service failed to handle the request; it has been logged.');
  }
}

function isHealthReport(response: unknown): boolean {
  return typeof response === 'object' && response !== null && 'details' in response && 'status' in response;
}

function error(status: number, code: string, message: string): ApiErrorBody {
  return { error: { status, code, message } };
}

function codeFor(status: number): string {
  return (HttpStatus[status] ?? 'error').toLowerCase();
}
