import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import type { LogLevel } from '@ensemble/config';
import { createJsonLogger } from './json-logger';
import { logRequests } from './request-logging';

const ADMIN_TOKEN = 'admin-token-0123456789';
const SECRETS = [ADMIN_TOKEN, 'key-42', 's3cret', 'ada@example.com', 'Ada Lovelace', 'St James'];

/** A server that answers with the status its path ends with (200 otherwise), after reading the body and logging through the request's own logger. */
async function serve(level: LogLevel): Promise<{ server: Server; url: string; lines: string[] }> {
  const lines: string[] = [];
  const memory = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(...chunk.toString().split('\n').filter(Boolean));
      done();
    },
  });
  const log = logRequests(createJsonLogger('payments', level, memory));
  const server = createServer((request: IncomingMessage, response: ServerResponse) =>
    log(request, response, async () => {
      let body = '';
      for await (const chunk of request) body += chunk;
      // A careless line: the request's headers handed to its logger.
      request.log.info({ headers: request.headers }, 'handling');
      response.statusCode = Number(/\/(\d{3})$/.exec(request.url!.split('?')[0])?.[1] ?? 200);
      response.end(JSON.stringify({ echoed: body }));
    }),
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, lines };
}

const post = (url: string) =>
  fetch(url, {
    method: 'POST',
    headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'idempotency-key': 'key-42', cookie: 'session=s3cret', 'content-type': 'application/json' },
    body: JSON.stringify({ customerEmail: 'ada@example.com', shippingAddress: { name: 'Ada Lovelace', line1: '12 St James Sq' } }),
  }).then((response) => response.text());

const requestLines = (lines: string[]) => lines.map((line) => JSON.parse(line) as Record<string, unknown>).filter((entry) => entry.context === 'http');

describe('logRequests', () => {
  let served: Awaited<ReturnType<typeof serve>>;

  afterEach(() => new Promise((resolve) => served.server.close(resolve)));

  it('logs a 4xx answer as a warning with its method, path, status and time, and no header, body or query', async () => {
    served = await serve('info');
    await post(`${served.url}/payments/400?email=ada@example.com`);

    expect(requestLines(served.lines)).toEqual([
      expect.objectContaining({
        level: 'warn',
        service: 'payments',
        msg: 'POST /payments/400 answered 400',
        req: { method: 'POST', url: '/payments/400' },
        res: { statusCode: 400 },
        responseTime: expect.any(Number),
      }),
    ]);
    for (const secret of SECRETS) expect(served.lines.join('\n')).not.toContain(secret);
  });

  it('logs a 5xx answer as an error', async () => {
    served = await serve('info');
    await post(`${served.url}/payments/503`);
    expect(requestLines(served.lines)).toEqual([expect.objectContaining({ level: 'error', msg: 'POST /payments/503 answered 503', res: { statusCode: 503 } })]);
    for (const secret of SECRETS) expect(served.lines.join('\n')).not.toContain(secret);
  });

  it('logs other answers only at debug', async () => {
    served = await serve('info');
    await post(`${served.url}/payments/201`);
    expect(requestLines(served.lines)).toEqual([]);

    await new Promise((resolve) => served.server.close(resolve));
    served = await serve('debug');
    await post(`${served.url}/payments/201`);
    expect(requestLines(served.lines)).toEqual([expect.objectContaining({ level: 'debug', msg: 'POST /payments/201 answered 201' })]);
    for (const secret of SECRETS) expect(served.lines.join('\n')).not.toContain(secret);
  });

  it('never logs what health checks and scrapes get', async () => {
    served = await serve('debug');
    await fetch(`${served.url}/health`);
    await fetch(`${served.url}/metrics`);
    expect(requestLines(served.lines)).toEqual([]);
  });

  it('gives what is logged while a request is handled its method and path, and not its headers', async () => {
    served = await serve('info');
    await post(`${served.url}/payments/201`);
    const handling = served.lines.map((line) => JSON.parse(line)).find((entry) => entry.msg === 'handling');
    expect(handling).toMatchObject({ req: { method: 'POST', url: '/payments/201' }, headers: '[redacted]' });
  });
});
