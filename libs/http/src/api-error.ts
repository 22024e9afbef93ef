import { HttpException, HttpStatus } from '@nestjs/common';
import { FieldProblem } from '@ensemble/errors';

/** The one JSON error body every Ensemble service answers with. */
export interface ApiErrorBody {
  error: {
    status: number;
    code: string;
    message: string;
    fields?: FieldProblem[];
  };
}

/**
 * An HTTP error with a stable machine-readable code, e.g. `validation_failed` or
 * `idempotency_key_reused`; with `retryAfterSeconds`, answered with a `Retry-After` header.
 */
export class ApiError extends HttpException {
  constructor(
    status: HttpStatus,
    code: string,
    message: string,
    fields?: FieldProblem[],
    readonly retryAfterSeconds?: number,
  ) {
    super({ error: { status, code, message, ...(fields ? { fields } : {}) } } satisfies ApiErrorBody, status);
  }
}

/** 503 with `Retry-After`: a dependency is away for now, and the same request may succeed later; nothing was written. */
export class ServiceUnavailable extends ApiError {
  constructor(code: string, message: string, retryAfterSeconds = 5) {
    super(HttpStatus.SERVICE_UNAVAILABLE, code, message, undefined, retryAfterSeconds);
  }
}

export class ValidationFailed extends ApiError {
  constructor(fields: FieldProblem[]) {
    super(
      HttpStatus.BAD_REQUEST,
      'validation_failed',
      `The request is invalid: ${fields.map((problem) => problem.field).join(', ')}`,
      fields,
    );
  }
}
