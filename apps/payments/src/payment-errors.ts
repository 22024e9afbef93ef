import { DomainError } from '@ensemble/errors';

/** The key was first used for a request with other content: the payment it recorded stays the only one. */
export class IdempotencyKeyReused extends DomainError {
  constructor(key: string) {
    super('conflict', 'idempotency_key_reused', `Idempotency-Key "${key}" was already used for a different request; use a new key for a new payment`);
  }
}

export class PaymentNotFound extends DomainError {
  constructor(id: string) {
    super('not-found', 'payment_not_found', `No payment with id ${id}`);
  }
}

/** Fields of the request that the PaymentCompleted event's schema cannot hold: nothing was written. */
export class PaymentNotAnnounceable extends DomainError {
  constructor(fields: string[]) {
    super('invalid', 'validation_failed', `The request is invalid: ${fields.join(', ')}`, {
      fields: fields.map((field) => ({ field, message: 'cannot be held by the PaymentCompleted event' })),
    });
  }
}

/** The payment's event would be larger than an event may be: nothing was written. */
export class PaymentEventTooLarge extends DomainError {
  constructor(reason: string) {
    super('too-large', 'event_too_large', reason);
  }
}

/** The schema registry cannot be reached to check the payment's event: nothing was written, and the same request may pass shortly. */
export class RegistryUnavailable extends DomainError {
  constructor() {
    super('unavailable', 'registry_unavailable', 'The schema registry cannot be reached to check the payment\'s event; try again shortly.', { retryAfterSeconds: 5 });
  }
}
