import { EmailSent, EventEnvelope, PaymentCompleted } from '@ensemble/events';
import type { RecordPosition } from '@ensemble/kafka';

/** What each consuming service did about a payment, as far as the live view can tell. */
export interface ReactionFacts {
  invoice: { invoiceNumber: string };
  /** The customer's lifetime value in the payment's currency, when CRM answered in time. */
  crm: { lifetimeValueMinor?: number };
  shipping: { shipmentId: string; scheduledFor: number };
  dashboards: Record<string, never>;
  /** The emails sent about the payment so far, in the order the feed read their EmailSent. */
  notifications: { emails: SentEmail[] };
}

export type ReactingService = keyof ReactionFacts;

/** The services that react to a payment once, with one event or one commit; the notifications service sends several emails. */
export type ReactingOnce = Exclude<ReactingService, 'notifications'>;

/** One service's reaction, as a follow-on event announces it. */
export type Reaction = { [Service in ReactingOnce]: { service: Service; facts: ReactionFacts[Service] } }[ReactingOnce];

/** An email about a payment, as its EmailSent tells it; without the recipient, which is personal data. */
export interface SentEmail {
  emailId: string;
  kind: EmailSent['kind'];
  subject: string;
  /** When the mail server accepted it, in epoch milliseconds. */
  sentAt: number;
  attempts: number;
  /** Where a person reads it: MailDev's web UI. */
  mailUrl: string;
  /** When its EmailSent was read, since the row's origin, like a reaction. */
  afterMs: number;
}

/** A payment as the live view shows it: every `afterMs` counts from the POST, or from completedAt for payments posted elsewhere. */
export interface PaymentRowView {
  paymentId: string;
  customerId: string;
  amountMinor: number;
  currency: string;
  correlationId?: string;
  since: 'post' | 'completedAt';
  /** The time `afterMs` counts from, in epoch milliseconds: how long a reaction has been awaited so far. */
  startedAt: number;
  /** The POST the live view forwarded: its answer's status and how long it took. */
  post?: { status: number; tookMs: number };
  completed?: RecordPosition & { afterMs: number };
  /** The payment's trace in Zipkin, when tracing is on. */
  traceUrl?: string;
  reactions: { [Service in ReactingService]?: ReactionFacts[Service] & { afterMs: number } };
  /** Events that the payment's event caused, e.g. InvoiceIssued, and the EmailSent of each email. */
  followOns: Array<RecordPosition & { eventType: string; afterMs: number }>;
}

/** The part of a payment that a POST's answer and a PaymentCompleted both carry. */
export type PaymentSummary = Pick<PaymentCompleted, 'paymentId' | 'customerId' | 'amountMinor' | 'currency'>;

interface FollowOn extends RecordPosition {
  eventType: string;
  envelope: EventEnvelope;
  reaction?: Reaction;
  at: number;
}

/** An EmailSent read, waiting for its payment or attached to it. */
interface EmailRead extends RecordPosition {
  paymentId: string;
  envelope: EventEnvelope;
  email: Omit<SentEmail, 'afterMs'>;
  at: number;
}

interface Entry extends PaymentSummary {
  firstSeenAt: number;
  postedAt?: number;
  post?: { status: number; tookMs: number };
  completedAt?: number;
  eventId?: string;
  correlationId?: string;
  completed?: RecordPosition & { at: number };
  traceUrl?: string;
  reactions: { [Service in ReactingOnce]?: ReactionFacts[Service] & { at: number } };
  followOns: FollowOn[];
  emails: EmailRead[];
}

/** Follow-on events and emails whose payment has not been seen yet, kept this long for it to arrive. */
const UNMATCHED_FOLLOW_ON_MS = 60_000;

/**
 * The recent payments and everything observed about each, in memory: the POST, the payment's
 * record, the follow-on events it caused (found by correlation id) and each service's reaction,
 * each with the time it was observed. Keeps the latest `capacity` payments.
 */
export class PaymentTimeline {
  private readonly entries = new Map<string, Entry>();
  private readonly byCorrelation = new Map<string, Entry[]>();
  private unmatched: FollowOn[] = [];
  private unmatchedEmails: EmailRead[] = [];
  private readonly changed = new Set<string>();

  constructor(private readonly capacity: number) {}

  /** The live view forwarded the payment's POST, sent at `sentAt`. */
  posted(payment: PaymentSummary, post: { sentAt: number; status: number; tookMs: number }): void {
    const entry = this.entry(payment, post.sentAt);
    entry.postedAt = post.sentAt;
    entry.post = { status: post.status, tookMs: post.tookMs };
    this.changed.add(entry.paymentId);
  }

  /** The payment's record was read; a copy of it read later (a record sent twice) changes nothing. */
  completed(payment: PaymentCompleted, record: RecordPosition, at: number, traceUrl?: string): void {
    const entry = this.entry(payment, at);
    if (entry.completed) return;
    entry.traceUrl = traceUrl;
    entry.completedAt = payment.completedAt;
    entry.eventId = payment.envelope.eventId;
    entry.correlationId = payment.envelope.correlationId;
    entry.completed = { ...record, at };
    this.byCorrelation.set(entry.correlationId, [...(this.byCorrelation.get(entry.correlationId) ?? []), entry]);
    const [mine, others] = partition(this.unmatched, (followOn) => causedBy(followOn.envelope, entry));
    this.unmatched = others;
    for (const followOn of mine) this.attach(entry, followOn);
    this.changed.add(entry.paymentId);
  }

  /**
   * An event that a payment's event caused, and the reaction it announces: it goes under the payment
   * of its correlation id (the one it names as its cause, should a correlation id span several
   * payments), or waits for that payment's record should it come first.
   */
  followedOn(envelope: EventEnvelope, record: RecordPosition, at: number, reaction?: Reaction): void {
    const followOn = { ...record, eventType: envelope.eventType, envelope, reaction, at };
    const candidates = this.byCorrelation.get(envelope.correlationId) ?? [];
    const entry = candidates.find((candidate) => causedBy(envelope, candidate)) ?? candidates.at(-1);
    if (entry) return this.attach(entry, followOn);
    this.unmatched = [...this.unmatched.filter((earlier) => at - earlier.at < UNMATCHED_FOLLOW_ON_MS), followOn];
  }

  /**
   * An email about a payment was sent, as `sent` announces it: it goes under the payment it names
   * (its recipient left out), its record among the follow-on events, or waits for that payment
   * should it come first. A second EmailSent of one email (a record sent twice) adds its record,
   * not another email.
   */
  emailed(sent: EmailSent, record: RecordPosition, at: number, mailUrl: string): void {
    const { emailId, kind, subject, sentAt, attempts } = sent;
    const read: EmailRead = { ...record, paymentId: sent.paymentId, envelope: sent.envelope, email: { emailId, kind, subject, sentAt, attempts, mailUrl }, at };
    const entry = this.entries.get(sent.paymentId);
    if (entry) return this.attachEmail(entry, read);
    this.unmatchedEmails = [...this.unmatchedEmails.filter((earlier) => at - earlier.at < UNMATCHED_FOLLOW_ON_MS), read];
  }

  reacted<Service extends ReactingOnce>(paymentId: string, service: Service, facts: ReactionFacts[Service], at: number): void {
    const entry = this.entries.get(paymentId);
    if (!entry || entry.reactions[service]) return;
    entry.reactions[service] = { ...facts, at } as Entry['reactions'][Service];
    this.changed.add(paymentId);
  }

  /** Payments whose record has been seen and that still wait for `service`'s reaction. */
  awaiting(service: ReactingOnce): Array<{ payment: PaymentSummary; record: RecordPosition }> {
    return [...this.entries.values()]
      .filter((entry) => entry.completed && !entry.reactions[service])
      .map((entry) => ({ payment: entry, record: entry.completed! }));
  }

  /** The payments changed since the last call. */
  takeChanges(): PaymentRowView[] {
    const rows = [...this.changed].flatMap((paymentId) => {
      const entry = this.entries.get(paymentId);
      return entry ? [view(entry)] : [];
    });
    this.changed.clear();
    return rows;
  }

  /** The latest `limit` payments, oldest first. */
  recent(limit = this.capacity): PaymentRowView[] {
    return [...this.entries.values()].slice(-limit).map(view);
  }

  private attach(entry: Entry, followOn: FollowOn): void {
    entry.followOns.push(followOn);
    if (followOn.reaction) this.reacted(entry.paymentId, followOn.reaction.service, followOn.reaction.facts, followOn.at);
    this.changed.add(entry.paymentId);
  }

  private attachEmail(entry: Entry, read: EmailRead): void {
    entry.followOns.push({ topic: read.topic, partition: read.partition, offset: read.offset, eventType: read.envelope.eventType, envelope: read.envelope, at: read.at });
    if (!entry.emails.some((earlier) => earlier.email.emailId === read.email.emailId)) entry.emails.push(read);
    this.changed.add(entry.paymentId);
  }

  private entry(payment: PaymentSummary, at: number): Entry {
    let entry = this.entries.get(payment.paymentId);
    if (!entry) {
      const { paymentId, customerId, amountMinor, currency } = payment;
      entry = { paymentId, customerId, amountMinor, currency, firstSeenAt: at, reactions: {}, followOns: [], emails: [] };
      this.entries.set(paymentId, entry);
      this.forgetOldest();
      const [mine, others] = partition(this.unmatchedEmails, (read) => read.paymentId === paymentId);
      this.unmatchedEmails = others;
      for (const read of mine) this.attachEmail(entry, read);
    }
    return entry;
  }

  private forgetOldest(): void {
    for (const [paymentId, entry] of this.entries) {
      if (this.entries.size <= this.capacity) return;
      this.entries.delete(paymentId);
      this.changed.delete(paymentId);
      if (!entry.correlationId) continue;
      const remaining = this.byCorrelation.get(entry.correlationId)!.filter((other) => other !== entry);
      if (remaining.length > 0) this.byCorrelation.set(entry.correlationId, remaining);
      else this.byCorrelation.delete(entry.correlationId);
    }
  }
}

function causedBy(envelope: EventEnvelope, entry: Entry): boolean {
  return envelope.correlationId === entry.correlationId && envelope.causationId === entry.eventId;
}

function partition<T>(items: T[], predicate: (item: T) => boolean): [T[], T[]] {
  return [items.filter(predicate), items.filter((item) => !predicate(item))];
}

function view(entry: Entry): PaymentRowView {
  const origin = entry.postedAt ?? entry.completedAt ?? entry.firstSeenAt;
  const after = (at: number) => Math.max(0, at - origin);
  const reactions: PaymentRowView['reactions'] = {};
  for (const [service, { at, ...facts }] of Object.entries(entry.reactions)) {
    Object.assign(reactions, { [service]: { ...facts, afterMs: after(at) } });
  }
  // The notifications service's reaction so far: each email sent, timed by the last.
  if (entry.emails.length > 0) {
    const emails = entry.emails.map(({ email, at }) => ({ ...email, afterMs: after(at) }));
    reactions.notifications = { emails, afterMs: Math.max(...emails.map((email) => email.afterMs)) };
  }
  return {
    paymentId: entry.paymentId,
    customerId: entry.customerId,
    amountMinor: entry.amountMinor,
    currency: entry.currency,
    correlationId: entry.correlationId,
    since: entry.postedAt !== undefined ? 'post' : 'completedAt',
    startedAt: origin,
    post: entry.post,
    completed: entry.completed && { topic: entry.completed.topic, partition: entry.completed.partition, offset: entry.completed.offset, afterMs: after(entry.completed.at) },
    traceUrl: entry.traceUrl,
    reactions,
    followOns: entry.followOns.map(({ topic, partition, offset, eventType, at }) => ({ topic, partition, offset, eventType, afterMs: after(at) })),
  };
}
