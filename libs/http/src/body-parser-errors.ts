import { HttpStatus } from '@nestjs/common';
import { NextFunction, Request, Response } from 'express';
import { ApiError } from './api-error';

/** Body-parser errors carry their HTTP status and a type such as `entity.too.large`. */
interface BodyParserError {
  status?: number;
  type?: string;
  message: string;
}

/**
 * Express error middleware, right after the body parser: turns its errors into ApiErrors before
 * Nest sees them (Nest maps a SyntaxError to a bare 400 Bad Request, losing that the JSON was
 * malformed). Other errors pass on unchanged.
 */
export function translateBodyParserErrors(error: unknown, _request: Request, _response: Response, next: NextFunction): void {
  next(asApiError(error as BodyParserError) ?? error);
}

function asApiError(error: BodyParserError): ApiError | undefined {
  if (error?.type === 'entity.too.large') {
    return new ApiError(HttpStatus.PAYLOAD_TOO_LARGE, 'body_too_large', `The request body is larger than the limit: ${error.message}`);
  }
  if (error?.type === 'entity.parse.failed') {
    return new ApiError(HttpStatus.BAD_REQUEST, 'malformed_json', `The request body is not valid JSON: ${error.message}`);
  }
  if (error?.type && error.status && error.status >= 400 && error.status < 500) {
    return new ApiError(error.status, (HttpStatus[error.status] ?? 'bad_request').toLowerCase(), error.message);
  }
  return undefined;
}
