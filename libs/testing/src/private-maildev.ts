import { ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mailDevApiUrl, mailDevCommand } from '@ensemble/process';
import { EnsembleError } from '@ensemble/retry';
import { eventually } from './choreography';
import { MailDevClient } from './maildev';

/**
 * A MailDev of a spec's own, on its own ports with its own mail folder, for a spec that stops and
 * restarts the mail server: the test stack's MailDev, which other specs read, is never touched. It
 * runs the command line `infra:up` runs (`mailDevCommand`); emails survive a restart, as there.
 */
export class PrivateMailDev {
  readonly smtpUrl: string;
  readonly webUrl: string;
  readonly client: MailDevClient;
  private readonly home = mkdtempSync(join(tmpdir(), 'ensemble-maildev-'));
  /** Where it keeps the emails; a spec that deletes it makes MailDev answer 450 to every message. */
  readonly mailDirectory = join(this.home, 'mail');
  private readonly logFile = join(this.home, 'maildev.log');
  private child?: ChildProcess;

  constructor(ports: { smtp: number; web: number }) {
    this.smtpUrl = `smtp://127.0.0.1:${ports.smtp}`;
    this.webUrl = `http://127.0.0.1:${ports.web}`;
    this.client = new MailDevClient(this.webUrl);
  }

  get running(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  /**
   * Starts it and waits until its API answers; rejects, with its log, if it exits meanwhile. With
   * `maxMessageBytes`, it refuses larger messages with a 552, as a mail server with a size limit does.
   */
  async start(limits: { maxMessageBytes?: number } = {}): Promise<this> {
    if (this.running) return this;
    const { command, args } = mailDevCommand({ smtpUrl: this.smtpUrl, webUrl: this.webUrl, mailDirectory: this.mailDirectory, ...limits });
    const log = openSync(this.logFile, 'a');
    try {
      this.child = spawn(command, args, { cwd: this.home, stdio: ['ignore', log, log] });
    } finally {
      closeSync(log);
    }
    // A spec that fails before its afterAll, or a run cut short, must not leave MailDev behind.
    const child = this.child;
    const killOnExit = () => child.kill('SIGKILL');
    process.on('exit', killOnExit);
    child.once('exit', () => process.off('exit', killOnExit));

    const health = `${mailDevApiUrl(this.webUrl)}/healthz`;
    await eventually(
      async () => {
        if (!this.running) throw new EnsembleError(`MailDev exited while starting; its log:\n${this.logTail()}`, { retriable: false });
        return (await fetch(health, { signal: AbortSignal.timeout(2_000) })).ok || undefined;
      },
      `a private MailDev to answer ${health}`,
      30_000,
    );
    return this;
  }

  /**
   * SIGTERM, as `infra:down` stops it; waits until it has exited and its ports are free. MailDev
   * waits for connected clients, such as a sender's kept-open connections, and gives up on them
   * after 10 s.
   */
  stop(): Promise<void> {
    return this.signal('SIGTERM');
  }

  /** SIGKILL: a crash; connected clients see their connections reset. */
  kill(): Promise<void> {
    return this.signal('SIGKILL');
  }

  /** Stops it and deletes its emails and log. */
  async destroy(): Promise<void> {
    await this.stop();
    rmSync(this.home, { recursive: true, force: true });
  }

  private async signal(signal: NodeJS.Signals): Promise<void> {
    const child = this.child;
    if (!child || !this.running) return;
    const exited = once(child, 'exit');
    child.kill(signal);
    const killAfter = setTimeout(() => child.kill('SIGKILL'), 15_000);
    await exited;
    clearTimeout(killAfter);
  }

  private logTail(): string {
    return existsSync(this.logFile) ? readFileSync(this.logFile, 'utf8').trimEnd().split('\n').slice(-15).join('\n') : '(no log)';
  }
}
