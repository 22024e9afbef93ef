import { mailDevApiUrl } from '@ensemble/process';
import { eventually } from './choreography';

/** An address as MailDev parsed it from a header. */
export interface MailDevAddress {
  address: string;
  name: string;
}

/** An email as MailDev's REST API returns it. */
export interface MailDevEmail {
  id: string;
  time: string;
  subject: string;
  from: MailDevAddress[];
  to: MailDevAddress[];
  /** Header names in lower case; `message-id` is `<id@domain>`. */
  headers: Record<string, unknown>;
  /** What the SMTP client said in MAIL FROM and RCPT TO. */
  envelope: { from: { address: string }; to: Array<{ address: string }> };
  text?: string;
  html?: string;
}

/**
 * MailDev's REST API (under MAIL_WEB_URL, or a private MailDev's web URL): what the web UI shows a
 * person, for a spec to check.
 */
export class MailDevClient {
  private readonly api: string;

  constructor(readonly webUrl: string) {
    this.api = mailDevApiUrl(webUrl);
  }

  /** Every email it holds, oldest first. */
  async emails(): Promise<MailDevEmail[]> {
    return (await this.get('/email')).json() as Promise<MailDevEmail[]>;
  }

  /** One email with both of its parts as they arrived (`text`, and `html` before MailDev sanitizes it for display). */
  async email(id: string): Promise<MailDevEmail> {
    return (await this.get(`/email/${encodeURIComponent(id)}`)).json() as Promise<MailDevEmail>;
  }

  /** The HTML part as the web UI shows it: sanitized by MailDev. */
  async html(id: string): Promise<string> {
    return (await this.get(`/email/${encodeURIComponent(id)}/html`)).text();
  }

  /** The message as it came over SMTP, headers and all (RFC 5322). */
  async source(id: string): Promise<string> {
    return (await this.get(`/email/${encodeURIComponent(id)}/source`)).text();
  }

  /**
   * The emails that match, once there are at least `count` of them; fails after `timeoutMs`
   * naming what it waited for.
   */
  waitForEmails(matching: (email: MailDevEmail) => boolean, options: { description: string; count?: number; timeoutMs?: number }): Promise<MailDevEmail[]> {
    const count = options.count ?? 1;
    return eventually(
      async () => {
        const found = (await this.emails()).filter(matching);
        return found.length >= count ? found : undefined;
      },
      `${count} email(s) in MailDev at ${this.webUrl}: ${options.description}`,
      options.timeoutMs ?? 10_000,
    );
  }

  async deleteAll(): Promise<void> {
    await this.request('DELETE', '/email/all');
  }

  private get(path: string): Promise<Response> {
    return this.request('GET', path);
  }

  private async request(method: string, path: string): Promise<Response> {
    const response = await fetch(`${this.api}${path}`, { method, signal: AbortSignal.timeout(5_000) });
    if (!response.ok) throw new Error(`MailDev answered ${method} ${this.api}${path} with ${response.status}: ${await response.text()}`);
    return response;
  }
}

/** The email's Message-ID header, `<id@domain>`, as it arrived. */
export function messageIdOf(email: MailDevEmail): string | undefined {
  const value = email.headers['message-id'];
  return typeof value === 'string' ? value : undefined;
}
