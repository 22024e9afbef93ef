import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { brokerAnswers } from '@ensemble/work-queue';
import { aptGet, asRoot } from './apt-get';
import { InfraError } from './infra-error';
import { InfraConfig } from './infra-config';
import { EnsureOutcome, Progress } from './local-server';
import { waitUntil } from './wait-until';

const NAME = 'rabbitmq';

/** Debian's package and the scripts it installs; the server script runs the broker as the `rabbitmq` user. */
const PACKAGE = 'rabbitmq-server';
const SERVER = '/usr/sbin/rabbitmq-server';
const CONTROL = '/usr/sbin/rabbitmqctl';
const LOG_DIR = '/var/log/rabbitmq/';

/** The RabbitMQ that the work queues run on, as infra:up, infra:down and infra:status see it. */
export interface RabbitMqBroker {
  /** Where clients reach it, for messages: host and port, no credentials. */
  endpoint: string;
  ensureRunning(progress: Progress): Promise<EnsureOutcome>;
  /** A real AMQP connection, with RABBITMQ_URL's credentials. */
  isAnswering(): Promise<boolean>;
  /** Stops it only if infra:up started it; says whether it did. */
  stopIfStartedByUs(): Promise<boolean>;
}

/**
 * The machine's own RabbitMQ, where RABBITMQ_URL points (127.0.0.1:5672 unless told otherwise), a
 * service of the machine as PostgreSQL is. infra:up uses it when it answers; otherwise it installs
 * Debian's package if the server is missing, starts the server, and remembers that it did, so that
 * infra:down stops only what infra:up started.
 */
export class LocalRabbitMq implements RabbitMqBroker {
  readonly endpoint: string;
  private readonly url: string;
  private readonly startedMarker: string;

  constructor(config: InfraConfig) {
    this.url = config.platform.workQueue.url;
    this.endpoint = new URL(this.url).host;
    this.startedMarker = join(config.runDir, 'rabbitmq.started-by-ensemble');
  }

  isAnswering(): Promise<boolean> {
    return brokerAnswers(this.url);
  }

  async ensureRunning(progress: Progress): Promise<EnsureOutcome> {
    if (await this.isAnswering()) return 'already running';
    if (!['127.0.0.1', 'localhost', '[::1]'].includes(new URL(this.url).hostname)) {
      throw new InfraError(NAME, `no AMQP answer at ${this.endpoint} (RABBITMQ_URL), which is not on this machine: infra:up starts only this machine's RabbitMQ`);
    }
    progress(NAME, `no AMQP answer at ${this.endpoint}; starting this machine's RabbitMQ`);
    installRabbitMqIfMissing(progress);
    // The package's own scripts may have started it where systemd runs.
    if (!(await this.isAnswering())) startServer();
    mkdirSync(dirname(this.startedMarker), { recursive: true });
    writeFileSync(this.startedMarker, new Date().toISOString());
    const answered = await waitUntil(() => this.isAnswering(), {
      description: `RabbitMQ to answer at ${this.endpoint}`,
      timeoutMs: 60_000,
      onStillWaiting: (seconds) => progress(NAME, `waiting for RabbitMQ at ${this.endpoint}… ${seconds}s`),
    });
    if (!answered) {
      throw new InfraError(
        NAME,
        `rabbitmq-server started, yet no AMQP answer at ${this.endpoint} after 60 s: check that its listeners (/etc/rabbitmq/rabbitmq.conf) and RABBITMQ_URL's port and credentials agree`,
        LOG_DIR,
      );
    }
    return 'started';
  }

  async stopIfStartedByUs(): Promise<boolean> {
    if (!existsSync(this.startedMarker)) return false;
    const control = asRoot(CONTROL, ['stop']);
    spawnSync(control.command, control.args, { stdio: 'ignore' });
    rmSync(this.startedMarker);
    return true;
  }
}

/**
 * Installs Debian's `rabbitmq-server` with apt-get when this machine has none: for infra:up, and for
 * the test run, whose node runs from the same scripts.
 */
export function installRabbitMqIfMissing(progress: Progress): void {
  if (existsSync(SERVER)) return;
  progress(NAME, `${SERVER} is missing; installing Debian's ${PACKAGE} package with apt-get (once per machine)`);
  const apt = { component: NAME, packages: [PACKAGE] };
  aptGet(['update', '-q'], apt);
  aptGet(['install', '-y', '-q', '--no-install-recommends', PACKAGE], apt);
  if (!existsSync(SERVER)) throw new InfraError(NAME, `apt-get installed ${PACKAGE}, yet ${SERVER} is not there`);
}

/** `rabbitmq-server -detached` returns once the node is launched; it answers a few seconds later. */
function startServer(): void {
  const server = asRoot(SERVER, ['-detached']);
  const started = spawnSync(server.command, server.args, { encoding: 'utf8' });
  if (started.status !== 0) {
    const output = `${started.stdout ?? ''}${started.stderr ?? ''}`.trim();
    throw new InfraError(NAME, `${server.command} ${server.args.join(' ')} failed (${started.error?.message ?? `exit code ${started.status}`})${output ? `:\n${output}` : ''}`, LOG_DIR);
  }
}
