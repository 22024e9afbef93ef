import { messageIdFor } from './message-id';

/** RFC 5322 msg-id with dot-atom sides: what a mail server and a reader's client take as an id. */
const MSG_ID = /^<[A-Za-z0-9!#$%&'*+\/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+\/=?^_`{|}~-]+)*@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*>$/;
const EVENT_ID = '8f0c6f0e-3a1c-4a47-9b1e-2f6b3c0d9e11';

describe('messageIdFor', () => {
  it('is the same for every send of the email an event caused', () => {
    expect(messageIdFor(EVENT_ID, 'invoice-issued')).toBe(messageIdFor(EVENT_ID, 'invoice-issued'));
  });

  it('names the kind of email and the event that caused it', () => {
    expect(messageIdFor(EVENT_ID, 'invoice-issued')).toBe(`<invoice-issued.${EVENT_ID}@notifications.ensemble.local>`);
  });

  it('differs between emails of another kind or another event', () => {
    const ids = new Set([
      messageIdFor(EVENT_ID, 'invoice-issued'),
      messageIdFor(EVENT_ID, 'shipment-scheduled'),
      messageIdFor('8f0c6f0e-3a1c-4a47-9b1e-2f6b3c0d9e12', 'invoice-issued'),
    ]);
    expect(ids.size).toBe(3);
  });

  it.each(['order 42', 'a<b>@c', 'line\r\nBcc: victim@example.com', 'é', 'x'.repeat(65), 'sha256.abc'])('stays a valid Message-ID for an event id such as %j', (eventId) => {
    const id = messageIdFor(eventId, 'invoice-issued');
    expect(id).toMatch(MSG_ID);
    expect(id).toMatch(/^<invoice-issued\.sha256\.[0-9a-f]{64}@notifications\.ensemble\.local>$/);
    expect(messageIdFor(eventId, 'invoice-issued')).toBe(id);
  });

  it('is a valid Message-ID for a UUID', () => {
    expect(messageIdFor(EVENT_ID, 'shipment-scheduled')).toMatch(MSG_ID);
  });

  it('refuses a kind that is not lower-case words joined by hyphens, and an empty event id', () => {
    expect(() => messageIdFor(EVENT_ID, 'Invoice Issued')).toThrow(TypeError);
    expect(() => messageIdFor(EVENT_ID, 'invoice.issued')).toThrow(TypeError);
    expect(() => messageIdFor('', 'invoice-issued')).toThrow(TypeError);
  });
});
