import { Agent, request } from 'node:http';

/**
 * At most 64 connections per server, as a gateway in front of a service would keep: a generator that
 * opened a connection for every request still in flight overflowed the service's accept queue when it
 * fell behind (thousands of connections, answered with resets) instead of measuring its queue.
 */
const agent = new Agent({
  keepAlive: true,
  maxSockets: 64,
  // Node lets an idle socket go a second before the server's announced keep-alive timeout only when the
  // agent has a timeout of its own; without one a socket idle for 5 s could be reused as the server closed it.
  timeout: 60_000,
});

export interface JsonResponse {
  status: number;
  headers: Headers;
  body: any;
}

/**
 * POSTs JSON over node:http on kept-alive connections. A benchmark's load generator shares the
 * machine's cores with the services it measures, and fetch spends markedly more CPU per POST
 * (`npm run bench:profile` shows it).
 */
export function postJson(url: string, body: unknown, headers: Record<string, string> = {}): Promise<JsonResponse> {
  const payload = typeof body === 'string' ? body : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const outgoing = request(url, { method: 'POST', agent, headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(payload), ...headers } }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('error', reject);
      response.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        const received = new Headers();
        for (const [name, value] of Object.entries(response.headers)) if (value !== undefined) received.set(name, String(value));
        try {
          resolve({ status: response.statusCode!, headers: received, body: text ? JSON.parse(text) : undefined });
        } catch (error) {
          reject(error);
        }
      });
    });
    outgoing.on('error', reject);
    outgoing.end(payload);
  });
}
