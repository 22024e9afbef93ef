/** An email's three parts, ready for a `MailSender`: the subject is one line, the HTML escapes what it quotes. */
export interface RenderedEmail {
  subject: string;
  text: string;
  html: string;
}

/** How dates and amounts are written for the reader. */
export interface EmailFormat {
  /** A BCP 47 language tag. */
  locale: string;
  /** An IANA time zone: the day a date falls on depends on it. */
  timeZone: string;
}

/** Until a customer's language and zone are known, every email is written so. */
export const DEFAULT_EMAIL_FORMAT: EmailFormat = { locale: 'en-GB', timeZone: 'UTC' };

/** A date (milliseconds since the epoch) as the reader writes a day: "3 December 2026". */
export function formatDay(epochMs: number, format: EmailFormat): string {
  return new Intl.DateTimeFormat(format.locale, { dateStyle: 'long', timeZone: format.timeZone }).format(epochMs);
}
