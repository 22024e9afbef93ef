import type { ChannelModel, ConfirmChannel, Message, Options } from 'amqplib';
import { connectToBroker } from './broker-connection';
import { WorkQueuePublishFailed } from './work-queue-errors';

/** A publish as the broker's return of it names it: its queue (the routing key) and its messageId. */
function publishKey(queue: string, messageId: unknown): string {
  return `${queue}\u0000${String(messageId)}`;
}

/**
 * A connection with one confirm channel, lost together: a channel the broker closes takes its
 * connection along, so that whoever uses it connects afresh rather than mending half of it.
 * `lostBecause` says why: the broker's reason for closing the channel (the error amqplib emits
 * before it fails every unconfirmed message with a bare "channel closed"), or the connection's.
 */
export class ConfirmSession {
  private closed = false;
  private channelError?: Error;
  private connectionError?: Error;
  /** Publishes the broker returned as unroutable, until their confirmation is seen. */
  private readonly returned = new Map<string, number>();

  private constructor(
    readonly connection: ChannelModel,
    readonly channel: ConfirmChannel,
    private readonly onLost: (reason: Error) => void,
  ) {}

  get lost(): boolean {
    return this.closed;
  }

  /** Why the session was lost, once it is: the broker's reason for closing the channel, else the connection's error. */
  get lostBecause(): Error | undefined {
    if (!this.closed) return undefined;
    return this.channelError ?? this.connectionError ?? new Error('the connection was closed');
  }

  /** Connects and opens the channel; `onLost` is told once, when either goes, unless the owner closed it. */
  static async open(url: string, connectionName: string, onLost: (reason: Error) => void = () => undefined): Promise<ConfirmSession> {
    const connection = await connectToBroker(url, connectionName);
    let channel: ConfirmChannel;
    try {
      channel = await connection.createConfirmChannel();
    } catch (error) {
      await connection.close().catch(() => undefined);
      throw error;
    }
    const session = new ConfirmSession(connection, channel, onLost);
    const lose = () => session.drop();
    // The broker's reason for closing the channel comes before its 'close'.
    channel.on('error', (error: Error) => {
      session.channelError = error;
    });
    channel.on('close', lose);
    channel.on('return', (message: Message) => {
      const key = publishKey(message.fields.routingKey, message.properties.messageId);
      session.returned.set(key, (session.returned.get(key) ?? 0) + 1);
    });
    connection.on('error', (error: Error) => {
      session.connectionError = error;
    });
    connection.on('close', lose);
    return session;
  }

  /**
   * Closes the channel, then the connection, without reporting a loss. The channel first: on
   * RabbitMQ 3.10, a quorum queue puts back a job acknowledged just before its connection closed,
   * as if the acknowledgement had never come; once the broker has closed the channel, it has them all.
   */
  async close(): Promise<void> {
    if (!this.closed) {
      this.closed = true;
      this.channelError = new Error('closed by its owner');
      await this.channel.close().catch(() => undefined);
    }
    await this.connection.close().catch(() => undefined);
  }

  /**
   * Publishes to `queue` through the default exchange, persistent, and resolves once the broker has
   * confirmed it: it is then on disk in the queue. Rejects with amqplib's error on a nack, a closed
   * channel, or a message amqplib cannot encode. The broker confirms a message it could not route
   * all the same, after returning it: published mandatory, such a return means the queue went
   * missing after it was declared; the session is then dropped as lost, for its user to connect
   * afresh and declare the queue again, and the publish fails.
   */
  async publish(queue: string, body: Buffer, options: Options.Publish): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.channel.sendToQueue(queue, body, { ...options, persistent: true, mandatory: true }, (error: unknown) => (error ? reject(error) : resolve()));
    });
    const key = publishKey(queue, options.messageId);
    const returns = this.returned.get(key);
    if (returns === undefined) return;
    if (returns > 1) this.returned.set(key, returns - 1);
    else this.returned.delete(key);
    const missing = new WorkQueuePublishFailed(`queue ${queue} is missing: the broker returned job ${String(options.messageId)} as unroutable`);
    this.drop(missing);
    throw missing;
  }

  /** Takes the session as lost, closing what is left of it, and tells its owner once. */
  private drop(reason?: Error): void {
    if (this.closed) return;
    this.closed = true;
    this.channelError ??= reason;
    void this.connection.close().catch(() => undefined);
    // amqplib closes the channels of a lost connection before it emits the connection's error: told a moment later, the reason is complete.
    queueMicrotask(() => this.onLost(this.lostBecause!));
  }

  /** Runs `prepare` on the fresh channel (declaring queues, setting prefetch); closes the session if it fails. */
  async prepared(prepare: (channel: ConfirmChannel) => Promise<unknown>): Promise<this> {
    try {
      await prepare(this.channel);
      return this;
    } catch (error) {
      await this.close();
      throw error;
    }
  }
}
