import { createHash } from 'node:crypto';

/**
 * The right side of every Message-ID: fixed rather than MAIL_FROM's domain, so that an email sent
 * again after MAIL_FROM changed still carries the id it was first sent with.
 */
const MESSAGE_ID_DOMAIN = 'notifications.ensemble.local';

const KIND = /^[a-z][a-z0-9-]*$/;
/** What may stand in a Message-ID as it is (RFC 5322 dot-atom text, without its dots and rarer signs), up to a UUID's length and a half. */
const PLAIN_ID = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * The Message-ID (RFC 5322, `<id@domain>`) of the `kind` of email an event caused: the same for
 * every send of that email, so that a reader, or a mail server, can tell a re-send from a second
 * email. An event id such as a UUID stands in it as it is (`<invoice.8f0c…@…>`); any
 * other (other signs, longer than 64) is replaced by its SHA-256, under a `sha256.` prefix that a
 * plain id cannot produce.
 */
export function messageIdFor(causeEventId: string, kind: string): string {
  if (!KIND.test(kind)) throw new TypeError(`an email kind is lower-case words joined by hyphens, e.g. invoice; got ${JSON.stringify(kind)}`);
  if (causeEventId === '') throw new TypeError('an email needs the id of the event that caused it');
  const id = PLAIN_ID.test(causeEventId) ? causeEventId : `sha256.${createHash('sha256').update(causeEventId, 'utf8').digest('hex')}`;
  return `<${kind}.${id}@${MESSAGE_ID_DOMAIN}>`;
}
