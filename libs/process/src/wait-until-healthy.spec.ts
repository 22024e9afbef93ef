import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { WaitTimedOut } from '@ensemble/retry';
import { waitUntilHealthy } from './wait-until-healthy';

describe('waitUntilHealthy', () => {
  let server: Server;
  let url: string;
  let status: number;
  let checks: number;

  beforeEach(async () => {
    status = 503;
    checks = 0;
    server = createServer((_request, response) => {
      checks++;
      response.writeHead(status).end('{}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  // Closing a server a spec already closed only hands the callback an error.
  afterEach(() => new Promise((resolve) => server.close(resolve)));

  it('waits through 503s until /health answers 200', async () => {
    setTimeout(() => (status = 200), 250);
    await waitUntilHealthy('orders', url, { timeoutMs: 5_000 });
    expect(checks).toBeGreaterThan(1);
  });

  it('with ready: false, takes any answer', async () => {
    await waitUntilHealthy('orders', url, { timeoutMs: 5_000, ready: false });
    expect(checks).toBe(1);
  });

  it('waits through refused connections, and times out naming the service and the last error', async () => {
    await new Promise((resolve) => server.close(resolve));
    const waiting = waitUntilHealthy('orders', url, { timeoutMs: 300 });
    await expect(waiting).rejects.toBeInstanceOf(WaitTimedOut);
    await expect(waiting).rejects.toThrow(/waiting for orders to answer healthy on http:\/\/127\.0\.0\.1:\d+\/health \(last error: .*fetch failed\)/);
  });

  it('ends at once with its signal’s reason', async () => {
    const exited = new AbortController();
    setTimeout(() => exited.abort(new Error('orders exited with 1')), 150);
    await expect(waitUntilHealthy('orders', url, { timeoutMs: 60_000, signal: exited.signal })).rejects.toThrow('orders exited with 1');
  });
});
