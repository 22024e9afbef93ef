import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import { Response } from 'express';
import { Observable, throwError } from 'rxjs';
import { ApiErrorBody } from './api-error';

/** Body-parser errors carry their HTTP status and a type such as `entity.too.large`. */
interface BodyParserError {
  status?: number;
  type?: string;
  message: string;
}

/**
 * Turns every HTTP error into the {@link ApiErrorBody} shape; unexpected errors become a 500 that
 * reveals nothing. An event handler's error passes unchanged to its transport, which needs the
 * original to choose between a retry and the dead-letter topic and to say what went wrong (Nest's
 * default would replace it with a generic one).
 */
@Catch()
export class ApiErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('http');

  catch(exception: unknown, host: ArgumentsHost): void | Observable<never> {
    if (host.getType() === 'rpc') return throwError(() => exception);
    const response = host.switchToHttp().getResponse<Response>();
    // A health check's 503 keeps Terminus's body, which names each part and its status.
    if (exception instanceof HttpException && isHealthReport(exception.getResponse())) {
      response.status(exception.getStatus()).json(exception.getResponse());
      return;
    }
    const body = this.toBody(exception);
    response.status(body.error.status).json(body);
  }

  private toBody(exception: unknown): ApiErrorBody {
    if (exception instanceof HttpException) {
      const response = exception.getResponse();
      if (typeof response === 'object' && response !== null && 'error' in response && typeof response.error === 'object') {
        return response as ApiErrorBody;
      }
      return error(exception.getStatus(), codeFor(exception.getStatus()), exception.message);
    }
    const parserError = exception as BodyParserError;
    if (parserError?.type === 'entity.too.large') {
      return error(HttpStatus.PAYLOAD_TOO_LARGE, 'body_too_large', `The request body is larger than the limit: ${parserError.message}`);
    }
    if (parserError?.type === 'entity.parse.failed') {
      return error(HttpStatus.BAD_REQUEST, 'malformed_json', `The request body is not valid JSON: ${parserError.message}`);
    }
    if (parserError?.status && parserError.status >= 400 && parserError.status < 500) {
      return error(parserError.status, codeFor(parserError.status), parserError.message);
    }
    this.logger.error(exception instanceof Error ? (exception.stack ?? exception.message) : String(exception));
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
