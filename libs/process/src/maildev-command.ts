import { join } from 'node:path';

const REPOSITORY_ROOT = join(__dirname, '..', '..', '..');

/** MailDev's command line, from the project's own node_modules (its package exports no other entry to resolve). */
export const MAILDEV_SCRIPT = join(REPOSITORY_ROOT, 'node_modules', 'maildev', 'dist', 'bin', 'maildev.js');

export interface MailDevPlace {
  /** Where it takes mail: `smtp://host:port`, as SMTP_URL says. */
  smtpUrl: string;
  /** Where its web UI and REST API answer: `http://host:port[/base]`, as MAIL_WEB_URL says. */
  webUrl: string;
  /** Where it keeps each email as an .eml file, and from which it restores them when it starts again. */
  mailDirectory: string;
  /** The newest emails it keeps, on disk too; the older ones go. 0 or absent: all. */
  maxEmails?: number;
  /** The largest message it takes, in bytes; a larger one is refused with a 552. Absent: MailDev's own limit. */
  maxMessageBytes?: number;
}

/**
 * The command that runs MailDev, a mail server that keeps what it receives for a person to read in
 * its web UI, listening where `place` says, run by this Node. `infra:up` starts it as a server of
 * its own and the specs start private ones; both through this one command line.
 */
export function mailDevCommand(place: MailDevPlace): { command: string; args: string[] } {
  const smtp = new URL(place.smtpUrl);
  const web = new URL(place.webUrl);
  const basePathname = web.pathname.replace(/\/+$/, '');
  return {
    command: process.execPath,
    args: [
      MAILDEV_SCRIPT,
      '--smtp',
      smtp.port || '25',
      '--ip',
      hostOf(smtp),
      '--web',
      web.port || '80',
      '--web-ip',
      hostOf(web),
      // One argument, so that the path on its command line tells whose process it is.
      `--mail-directory=${place.mailDirectory}`,
      ...(place.maxEmails ? ['--max-emails', String(place.maxEmails)] : []),
      ...(place.maxMessageBytes ? ['--max-message-size', String(place.maxMessageBytes)] : []),
      ...(basePathname ? ['--base-pathname', basePathname] : []),
    ],
  };
}

/** MailDev's REST API under its web URL (`GET <api>/email`, `<api>/healthz`…). */
export function mailDevApiUrl(webUrl: string): string {
  return `${webUrl.replace(/\/+$/, '')}/api`;
}

/** An IPv6 literal comes out of a URL in brackets, which a listen address does not take. */
function hostOf(url: URL): string {
  return url.hostname.replace(/^\[(.*)\]$/, '$1');
}
