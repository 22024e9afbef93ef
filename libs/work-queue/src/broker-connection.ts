import { ChannelModel, connect, Message, Options } from 'amqplib';

/** How long a connection attempt waits for the broker before it fails. */
const CONNECT_TIMEOUT_MS = 5_000;

/**
 * Opens a connection named after what uses it (RabbitMQ shows the name beside each connection). A
 * lost connection is reported by its 'close' event, which each user watches; the 'error' that comes
 * before it is only swallowed here, since an 'error' event with no listener would crash the process.
 */
export async function connectToBroker(url: string, connectionName: string): Promise<ChannelModel> {
  const connection = await connect(url, { timeout: CONNECT_TIMEOUT_MS, clientProperties: { connection_name: connectionName } });
  connection.on('error', () => undefined);
  return connection;
}

/** Whether a broker at `url` takes an AMQP connection: a real handshake, with the URL's credentials. */
export async function brokerAnswers(url: string): Promise<boolean> {
  try {
    const connection = await connectToBroker(url, 'ensemble-check');
    await connection.close();
    return true;
  } catch {
    return false;
  }
}

/** The properties a job keeps when the work queue sends it on (to a delay queue, the dead-letter queue, back to work), with new headers. */
export function forwardedProperties(message: Message, headers: Record<string, string | number>): Options.Publish {
  const { messageId, contentType, contentEncoding, timestamp } = message.properties;
  return { messageId, contentType, contentEncoding, timestamp, headers };
}
