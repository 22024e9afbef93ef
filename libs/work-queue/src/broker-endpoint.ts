/** The broker's host and port and virtual host, for messages: the URL without its credentials. */
export function brokerEndpoint(url: string): string {
  try {
    const { host, pathname } = new URL(url);
    return `${host}${pathname && pathname !== '/' ? pathname : ''}`;
  } catch {
    return 'the broker (an unreadable RABBITMQ_URL)';
  }
}
