/** Who an email goes to: the address, and the name to greet and to show beside it. */
export interface Recipient {
  email: string;
  name?: string;
}

/** An email ready to send: both parts rendered, and the Message-ID that names it. */
export interface Email {
  /**
   * `<id@domain>` (RFC 5322). Derived from what caused the email, so that sending it again, after
   * a failure that left it unclear whether it went, carries the same id and a reader can tell.
   */
  messageId: string;
  to: Recipient;
  /** One line: the renderer keeps line breaks out of it. */
  subject: string;
  text: string;
  html: string;
  /** More header fields, e.g. one naming the event that caused the email. */
  headers?: Record<string, string>;
}
