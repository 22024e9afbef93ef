/** A handler error that no retry can fix (the event contradicts the service's state): dead-lettered at once. */
export class NonRetriableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NonRetriableError';
  }
}
