import { ArgumentsHost } from '@nestjs/common';
import { DomainError } from '@ensemble/errors';
import { ValidationFailed } from './api-error';
import { ApiErrorFilter } from './api-error.filter';

/** What the filter answered: status, headers and JSON body. */
function answer(exception: unknown) {
  const answered = { status: 0, headers: {} as Record<string, string>, body: undefined as unknown };
  const response = {
    headersSent: false,
    setHeader: (name: string, value: string) => (answered.headers[name] = value),
    status: (status: number) => ((answered.status = status), response),
    json: (body: unknown) => (answered.body = body),
  };
  const host = { getType: () => 'http', switchToHttp: () => ({ getResponse: () => response }) } as unknown as ArgumentsHost;
  new ApiErrorFilter().catch(exception, host);
  return answered;
}

describe('ApiErrorFilter, for domain errors', () => {
  it('answers with the status of the error\'s kind and the one error body', () => {
    expect(answer(new DomainError('conflict', 'replay_in_progress', 'A rebuild is already running'))).toEqual({
      status: 409,
      headers: {},
      body: { error: { status: 409, code: 'replay_in_progress', message: 'A rebuild is already running' } },
    });
    expect(answer(new DomainError('not-found', 'payment_not_found', 'No payment')).status).toBe(404);
    expect(answer(new DomainError('too-large', 'event_too_large', 'Too large')).status).toBe(413);
    expect(answer(new DomainError('unsupported', 'window_not_supported', 'No window')).status).toBe(422);
  });

  it('says when to try again when the error does', () => {
    const busy = answer(new DomainError('busy', 'too_many_snapshots', 'Busy', { retryAfterSeconds: 5 }));
    const away = answer(new DomainError('unavailable', 'registry_unavailable', 'Away', { retryAfterSeconds: 5 }));

    expect([busy.status, busy.headers['Retry-After']]).toEqual([429, '5']);
    expect([away.status, away.headers['Retry-After']]).toEqual([503, '5']);
  });

  it('answers an invalid request\'s fields as a validation failure is answered', () => {
    const fields = [{ field: 'items[0].sku', message: 'cannot be held by the PaymentCompleted event' }];

    expect(answer(new DomainError('invalid', 'validation_failed', 'The request is invalid: items[0].sku', { fields }))).toEqual(
      answer(new ValidationFailed(fields)),
    );
  });
});
