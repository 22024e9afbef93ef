import { z } from 'zod';
import { workQueueOf } from '@ensemble/config';
import { InvoiceIssued, ShipmentScheduled } from '@ensemble/events';
import { EventFacts } from '@ensemble/outbox';
import { EmailKind } from './email.entity';

/** The work queue the notifications outbox hands email jobs to, and its workers take them from. */
export const EMAIL_QUEUE = workQueueOf('notifications')!;

/**
 * One email to send, as a job on the queue: everything its rendering needs (the facts of the event
 * that called for it), so that a worker reads nothing else, and the ids by which it is known again.
 */
export type EmailContent = { kind: 'invoice'; invoice: EventFacts<'InvoiceIssued'> } | { kind: 'shipment'; shipment: EventFacts<'ShipmentScheduled'> };

export type EmailJob = EmailContent & {
  emailId: string;
  messageId: string;
  paymentId: string;
  recipient: string;
  queuedAt: number;
  /** The event it answers: its EmailSent names it as cause, in the same conversation. */
  cause: { eventId: string; correlationId: string };
};

const uuid = z.uuid();
/** A time JavaScript can hold as a Date, in milliseconds since the epoch: what an email prints as a day. */
const day = z.number().int().min(-8.64e15).max(8.64e15);

/**
 * A job as it comes off the queue, checked before anything is done with it: the queue is a
 * boundary like any other, and a message that is not a job fails on its own instead of stopping
 * the worker. The facts are the event's, which the rendering reads field by field.
 */
const emailJob = z.object({
  emailId: uuid,
  messageId: z.string().regex(/^<[^<>\s]+@[^<>\s]+>$/),
  paymentId: uuid,
  recipient: z.email(),
  queuedAt: z.number().int().nonnegative(),
  cause: z.object({ eventId: uuid, correlationId: z.string().min(1) }),
  kind: z.enum(['invoice', 'shipment'] satisfies EmailKind[]),
  invoice: z.looseObject({ issuedAt: day }).optional(),
  shipment: z.looseObject({ scheduledFor: day }).optional(),
});

/** Parses a job's body, or throws naming what is wrong with it. */
export function parseEmailJob(body: Buffer): EmailJob {
  let json: unknown;
  try {
    json = JSON.parse(body.toString('utf8'));
  } catch {
    throw new Error('the job is not JSON');
  }
  return checkEmailJob(json);
}

/** `value` as an email job, or an error naming what is wrong with it: what a worker checks of every job, and the queueing of every job it will get. */
export function checkEmailJob(value: unknown): EmailJob {
  const parsed = emailJob.safeParse(value);
  if (!parsed.success) throw new Error(`the job is not an email job: ${parsed.error.issues.map((issue) => `${issue.path.join('.') || 'body'}: ${issue.message}`).join('; ')}`);
  const job = parsed.data;
  if (job.kind === 'invoice' ? !job.invoice : !job.shipment) throw new Error(`the ${job.kind} job carries no ${job.kind} facts`);
  return job as unknown as EmailJob;
}

/** Whether an event's customerEmail is an address an email can be sent to. */
export function isEmailAddress(text: string): boolean {
  return z.email().safeParse(text).success;
}

/** The facts an email job carries of its cause: the event without its envelope. */
export function factsOf<T extends InvoiceIssued | ShipmentScheduled>(event: T): Omit<T, 'envelope'> {
  const { envelope: _envelope, ...facts } = event;
  return facts;
}
