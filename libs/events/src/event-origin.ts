/**
 * Where an event sits in the conversation between services: what it belongs to and what caused it.
 * The envelope carries the first two; the traceparent travels as a record header.
 */
export interface EventOrigin {
  correlationId: string;
  causationId?: string | null;
  /** The W3C traceparent of the work that produced the event, if any. */
  traceparent?: string;
}
