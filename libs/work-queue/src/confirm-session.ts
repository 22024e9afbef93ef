import type { ChannelModel, ConfirmChannel } from 'amqplib';
import { connectToBroker } from './broker-connection';

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

  private constructor(
    readonly connection: ChannelModel,
    readonly channel: ConfirmChannel,
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
    const session = new ConfirmSession(connection, channel);
    const lose = () => {
      if (session.closed) return;
      session.closed = true;
      void connection.close().catch(() => undefined);
      // amqplib closes the channels of a lost connection before it emits the connection's error: told a moment later, the reason is complete.
      queueMicrotask(() => onLost(session.lostBecause!));
    };
    channel.on('error', (error: Error) => {
      session.channelError = error;
    });
    channel.on('close', lose);
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
    const wasOpen = !this.closed;
    if (wasOpen) {
      this.closed = true;
      this.channelError = new Error('closed by its owner');
      await this.channel.close().catch(() => undefined);
    }
    await this.connection.close().catch(() => undefined);
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
