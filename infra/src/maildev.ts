import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { MAILDEV_SCRIPT, mailDevApiUrl, mailDevCommand } from '@ensemble/process';
import { InfraError } from './infra-error';
import { InfraConfig } from './infra-config';
import { answersGet, LocalServer } from './local-server';

const NAME = 'maildev';

/** MailDev as `infra:up` runs it: a {@link LocalServer}, and the folder where it keeps the emails. */
export interface MailDevServer extends LocalServer {
  mailDirectory: string;
}

/**
 * MailDev, the mail server the platform sends its emails to (SMTP_URL) and where a person reads
 * them (its web UI at MAIL_WEB_URL), from the project's own node_modules. It keeps each email under
 * the run folder and restores them when it starts again, the newest `MAX_EMAILS` of them.
 */
export function maildev(config: InfraConfig): MailDevServer {
  const { smtpUrl, webUrl } = config.platform.mail;
  const home = join(config.runDir, NAME);
  const mailDirectory = join(home, 'mail');
  const launch = mailDevCommand({ smtpUrl, webUrl, mailDirectory, maxEmails: MAX_EMAILS });

  return {
    name: NAME,
    endpoint: `${smtpUrl} (web ${webUrl})`,
    mailDirectory,
    startTimeoutMs: 30_000,
    process: {
      name: NAME,
      pidFile: join(home, 'maildev.pid'),
      logFile: join(home, 'maildev.log'),
      marker: `--mail-directory=${mailDirectory}`,
    },

    isAnswering: () => answersGet(`${mailDevApiUrl(webUrl)}/healthz`),

    async install() {
      if (!existsSync(MAILDEV_SCRIPT)) throw new InfraError(NAME, `${MAILDEV_SCRIPT} is missing; run npm install`);
    },

    async prepareLaunch() {
      const smtp = new URL(smtpUrl);
      if (smtp.protocol !== 'smtp:' || smtp.username) {
        throw new InfraError(NAME, `SMTP_URL=${smtpUrl}: the local MailDev takes plain SMTP without a login; set smtp://host:port, or leave SMTP_URL unset`);
      }
      return { ...launch, cwd: home };
    },
  };
}

/** Emails MailDev keeps, the newest; the older ones are deleted, on disk too, so a restart stays quick. */
const MAX_EMAILS = 2_000;
