import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DetachedProcess, killDetached, runningPid, startDetached, stopDetached, tailOfLog } from '@ensemble/process';
import { EnsembleError, pollUntil } from '@ensemble/retry';
import { brokerAnswers } from '@ensemble/work-queue';

export interface PrivateRabbitMqNodeOptions {
  /** Names the node `ensemble-<label>@localhost`. */
  label: string;
  amqpPort: number;
  /** Erlang distribution, the way in of RabbitMQ's CLI tools; RabbitMQ's own choice when left out, the AMQP port + 20000. */
  distributionPort?: number;
  /** Holds the node's data, logs, configuration and Erlang cookie; the caller's to remove (see {@link PrivateRabbitMqNode.remove}). */
  baseDir: string;
  /** Lines added to the node's rabbitmq.conf, e.g. `max_message_size = 1048576`. */
  config?: string[];
  startTimeoutMs?: number;
}

/**
 * Debian's `/usr/sbin/rabbitmq-server` runs the broker as the `rabbitmq` user when called by root,
 * with that user's home (the machine node's Erlang cookie), and could not write the caller's folder;
 * the script it wraps runs the node as whoever calls it. Elsewhere, `rabbitmq-server` on the PATH.
 */
const SERVER_SCRIPT = existsSync('/usr/lib/rabbitmq/bin/rabbitmq-server') ? '/usr/lib/rabbitmq/bin/rabbitmq-server' : 'rabbitmq-server';

/**
 * A RabbitMQ node of its own, beside the machine's, from the machine's RabbitMQ: its own node name,
 * AMQP and distribution ports, and folder, so that a spec can stop, kill and restart it without
 * touching the broker `npm start` uses. It needs nothing of the machine's node: it reads none of
 * /etc/rabbitmq (its own rabbitmq.conf, an empty rabbitmq-env.conf, an empty plugins file, so no
 * management listener collides), and its home is its folder, where Erlang writes it a cookie of its
 * own. It registers with the machine's epmd (port 4369), as every node on a machine does; with
 * none running, the first node starts one, which outlives it. Running as root is fine.
 * The node outlives the process that started it (its pid file is in its folder), so that a test run's
 * global setup can start it and its teardown stop it.
 */
export class PrivateRabbitMqNode {
  readonly nodeName: string;
  /** guest/guest, which RabbitMQ lets in from 127.0.0.1 only. */
  readonly url: string;
  private readonly process: DetachedProcess;
  private readonly distributionPort: number;

  constructor(private readonly options: PrivateRabbitMqNodeOptions) {
    this.nodeName = `ensemble-${options.label}@localhost`;
    this.url = `amqp://guest:guest@127.0.0.1:${options.amqpPort}`;
    this.distributionPort = options.distributionPort ?? options.amqpPort + 20_000;
    this.process = {
      name: `RabbitMQ node ${this.nodeName}`,
      pidFile: join(options.baseDir, 'node.pid'),
      logFile: join(options.baseDir, 'log', 'server.log'),
      marker: this.nodeName,
    };
  }

  /** Where the node writes its own log, beside its server output in `server.log`. */
  get logDir(): string {
    return join(this.options.baseDir, 'log');
  }

  get isRunning(): boolean {
    return runningPid(this.process) !== undefined;
  }

  /** Starts the node, keeping any data it had, and resolves once it takes an AMQP connection. */
  async start(): Promise<void> {
    if (this.isRunning) return;
    const { baseDir, amqpPort } = this.options;
    mkdirSync(this.logDir, { recursive: true });
    writeFileSync(join(baseDir, 'rabbitmq.conf'), [`listeners.tcp.1 = 127.0.0.1:${amqpPort}`, ...(this.options.config ?? [])].join('\n') + '\n');
    writeFileSync(join(baseDir, 'rabbitmq-env.conf'), '');
    writeFileSync(join(baseDir, 'enabled_plugins'), '[].\n');
    startDetached(this.process, SERVER_SCRIPT, ['-ensemble_node', this.nodeName], {
      cwd: baseDir,
      env: {
        ...process.env,
        HOME: baseDir,
        RABBITMQ_NODENAME: this.nodeName,
        RABBITMQ_NODE_PORT: String(amqpPort),
        RABBITMQ_DIST_PORT: String(this.distributionPort),
        RABBITMQ_MNESIA_BASE: join(baseDir, 'mnesia'),
        RABBITMQ_LOG_BASE: this.logDir,
        RABBITMQ_CONFIG_FILE: join(baseDir, 'rabbitmq.conf'),
        RABBITMQ_ADVANCED_CONFIG_FILE: join(baseDir, 'advanced.config'),
        RABBITMQ_CONF_ENV_FILE: join(baseDir, 'rabbitmq-env.conf'),
        RABBITMQ_ENABLED_PLUGINS_FILE: join(baseDir, 'enabled_plugins'),
        // The distribution listens on 127.0.0.1 only, as the machine's node does.
        RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS: '-kernel inet_dist_use_interface {127,0,0,1}',
      },
    });
    await pollUntil(
      async () => {
        if (await brokerAnswers(this.url)) return true;
        if (!this.isRunning) {
          throw new EnsembleError(`${this.process.name} exited while starting. Last lines of ${this.process.logFile}:\n${tailOfLog(this.process.logFile)}`, { retriable: false });
        }
        return false;
      },
      { intervalMs: 200, timeoutMs: this.options.startTimeoutMs ?? 90_000, description: `${this.process.name} to take AMQP connections on ${amqpPort} (logs: ${this.logDir})` },
    );
  }

  /** A graceful stop: RabbitMQ closes its connections and writes its queues down. */
  async stop(): Promise<void> {
    await stopDetached(this.process);
  }

  /** SIGKILL to the node and its children, as a crash would: what was not on disk is gone. */
  async kill(): Promise<void> {
    await killDetached(this.process);
  }

  /** A graceful stop and a start, with the same data. */
  async restart(): Promise<void> {
    await this.stop();
    await this.start();
  }

  /** Stops the node (if running) and deletes its folder. */
  async remove(): Promise<void> {
    await this.stop();
    rmSync(this.options.baseDir, { recursive: true, force: true });
  }
}
