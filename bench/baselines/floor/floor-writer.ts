/**
 * The floor's payments service, one process and no framework: a node:http server and an outbox
 * relay. POST /payments commits the payment (its Idempotency-Key unique) and its outbox row in one
 * transaction, with a NOTIFY; the relay publishes pending rows in order with acks=all through the
 * idempotent producer and marks them published. The durable steps Ensemble's payments takes, and
 * nothing else. Started by floor-pipeline.ts.
 */
import { randomUUID } from 'node:crypto';
import { createServer, IncomingMessage } from 'node:http';
import { Client, Pool } from 'pg';
import { loadPlatformConfig } from '@ensemble/config';
import { createOrderedProducer } from '@ensemble/kafka';
import { createPlatformClients } from '@ensemble/platform';
import { paymentCompletedEvent } from '@ensemble/testing';
import { FLOOR_CHANNEL, floorEnvironment } from './floor-environment';

const { databaseUrl, topic, port } = floorEnvironment();
const { kafka, codec } = createPlatformClients(loadPlatformConfig(), 'bench-floor-writer');
const pool = new Pool({ connectionString: databaseUrl, max: 10 });
const producer = createOrderedProducer(kafka);
const BATCH = 500;

async function bodyOf(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

const server = createServer((request, response) => {
  const answer = (status: number, body: unknown) => response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  if (request.method === 'GET' && request.url === '/health') return answer(200, { status: 'ok' });
  if (request.method !== 'POST' || request.url !== '/payments') return answer(404, { error: 'not found' });
  const key = request.headers['idempotency-key'];
  if (typeof key !== 'string') return answer(400, { error: 'Idempotency-Key required' });
  bodyOf(request)
    .then(async (text) => {
      const paymentId = randomUUID();
      const event = paymentCompletedEvent(0, JSON.parse(text), paymentId);
      await pool.query(
        `WITH payment AS (INSERT INTO floor_payments (id, idempotency_key, body) VALUES ($1, $2, $3)),
              announced AS (INSERT INTO floor_outbox (id, aggregate_id, payload) VALUES ($4, $1, $5))
         SELECT pg_notify('${FLOOR_CHANNEL}', '')`,
        [paymentId, key, text, event.envelope.eventId, event],
      );
      answer(201, { id: paymentId });
    })
    .catch((error: Error) => answer(500, { error: error.message }));
});

/** Publishes pending rows batch after batch; sleeps until a NOTIFY (or a second) when a read comes back short. */
async function relay(): Promise<never> {
  const listener = new Client({ connectionString: databaseUrl });
  await listener.connect();
  let wake: () => void = () => undefined;
  let notified = false;
  listener.on('notification', () => {
    notified = true;
    wake();
  });
  await listener.query(`LISTEN ${FLOOR_CHANNEL}`);
  for (;;) {
    const { rows } = await listener.query<{ id: string; aggregate_id: string; payload: never }>(
      'SELECT id, aggregate_id, payload FROM floor_outbox WHERE published_at IS NULL ORDER BY sequence LIMIT $1',
      [BATCH],
    );
    if (rows.length > 0) {
      const messages = await Promise.all(rows.map(async (row) => ({ key: row.aggregate_id, value: await codec.encode('PaymentCompleted', row.payload) })));
      await producer.send({ topic, acks: -1, messages });
      await listener.query('UPDATE floor_outbox SET published_at = now() WHERE id = ANY($1::uuid[])', [rows.map((row) => row.id)]);
    }
    if (rows.length < BATCH && !notified) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 1_000);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
    notified = false;
  }
}

async function main(): Promise<void> {
  await producer.connect();
  server.listen(port, '127.0.0.1');
  await relay();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
