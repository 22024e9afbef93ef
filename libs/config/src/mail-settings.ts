import { z } from 'zod';
import { httpUrl, parseEnvironment } from './environment';

/** Where emails are sent (SMTP) and read (the mail server's web UI, which the live view links to). */
export interface MailSettings {
  /** `SMTP_URL`: `smtp://[user:password@]host:port`, or `smtps://` for TLS from the first byte. */
  smtpUrl: string;
  /** `MAIL_FROM`: the sender of every email, `Name <address>` or an address. */
  from: string;
  /** `MAIL_WEB_URL`: where a reader opens the emails (MailDev's web UI here). */
  webUrl: string;
}

export const LOCAL_SMTP_URL = 'smtp://127.0.0.1:1025';
export const LOCAL_MAIL_WEB_URL = 'http://127.0.0.1:1080';

const smtpUrl = z.string().regex(/^smtps?:\/\/[^\s/]+$/, 'expected smtp://host:port or smtps://host:port');

export function loadMailSettings(env: Record<string, string | undefined> = process.env): MailSettings {
  const parsed = parseEnvironment(
    {
      SMTP_URL: smtpUrl.default(LOCAL_SMTP_URL),
      MAIL_FROM: z.string().min(3).max(200).regex(/@/, 'expected an address, or Name <address>').default('Ensemble <notifications@ensemble.local>'),
      MAIL_WEB_URL: httpUrl.default(LOCAL_MAIL_WEB_URL),
    },
    env,
  );
  return { smtpUrl: parsed.SMTP_URL, from: parsed.MAIL_FROM, webUrl: parsed.MAIL_WEB_URL };
}
