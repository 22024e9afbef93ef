import { randomUUID } from 'node:crypto';
import { connect } from 'node:net';
import { Client } from 'pg';
import { loadPlatformConfig } from '@ensemble/config';
import { paymentBody, postPayment, ScratchPostgres, ServiceProcess, writtenForPayment } from '@ensemble/testing';

const config = loadPlatformConfig();

/** What a payment request left in the payments database at `databaseUrl`. */
async function writtenFor(databaseUrl: string, customerId: string, key: string): Promise<{ payments: number; outbox: number; keys: number }> {
  const db = new Client({ connectionString: databaseUrl });
  await db.connect();
  try {
    return await writtenForPayment(db, customerId, key);
  } finally {
    await db.end();
  }
}

/**
 * Requests that must get an answer saying what to do, as a clumsy or hostile client sends them: a
 * dependency that is away gives 503 with Retry-After and writes nothing, a body that trickles in is
 * cut off, bad text in a path is named.
 */
describe('HTTP answers that say what to do', () => {
  it('a body that trickles in is cut off with 408 after the request timeout', async () => {
    const payments = await ServiceProcess.start('payments', { port: 3160, name: 'slow-body-payments', env: { HTTP_REQUEST_TIMEOUT_MS: '1500' } });
    try {
      const started = Date.now();
      const answer = await new Promise<string>((resolve, reject) => {
        const socket = connect(3160, '127.0.0.1', () => {
          socket.write('POST /payments HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nIdempotency-Key: slow\r\nContent-Length: 1000\r\n\r\n{"customerId"');
          // A byte every 400 ms: never idle long enough for a socket timeout.
          const trickle = setInterval(() => socket.write(' '), 400);
          let received = '';
          socket.on('data', (chunk) => {
            clearInterval(trickle);
            received += chunk.toString();
          });
          socket.on('close', () => {
            clearInterval(trickle);
            resolve(received);
          });
          // A reset after the answer arrived still leaves the answer to check.
          socket.on('error', (error) => (received ? resolve(received) : reject(error)));
        });
      });
      expect(answer).toMatch(/^HTTP\/1\.1 408/);
      expect(answer).toContain('"code":"request_timeout"');
      expect(Date.now() - started).toBeLessThan(5_000);
    } finally {
      await payments.stop();
    }
  });

  it('a registry that cannot be reached gives 503 with Retry-After, and nothing is written', async () => {
    const payments = await ServiceProcess.start('payments', { port: 3161, name: 'no-registry-payments', env: { SCHEMA_REGISTRY_URL: 'http://127.0.0.1:9/apis/ccompat/v7' }, ready: false });
    try {
      const key = randomUUID();
      const customerId = `no-registry-${key}`;
      const response = await postPayment(payments.url, { ...paymentBody(1), customerId }, key);
      expect(response.status).toBe(503);
      expect(response.headers.get('retry-after')).toMatch(/^\d+$/);
      expect(response.body.error).toMatchObject({ status: 503, code: 'registry_unavailable' });
      expect(await writtenFor(config.databases.payments, customerId, key)).toEqual({ payments: 0, outbox: 0, keys: 0 });
    } finally {
      await payments.stop();
    }
  });

  it('a database that is down gives 503 with Retry-After, and the same request succeeds once it is back', async () => {
    const postgres = await new ScratchPostgres(55_434).create(['payments']);
    const databaseUrl = postgres.url('payments');
    const payments = await ServiceProcess.start('payments', { port: 3162, name: 'db-down-payments', env: { PAYMENTS_DATABASE_URL: databaseUrl, OUTBOX_RELAY: 'off' } });
    try {
      const key = randomUUID();
      const body = { ...paymentBody(2), customerId: `db-down-${key}` };
      postgres.stop();
      const refused = await postPayment(payments.url, body, key);
      expect(refused.status).toBe(503);
      expect(refused.headers.get('retry-after')).toMatch(/^\d+$/);
      expect(refused.body.error).toMatchObject({ status: 503, code: 'database_unavailable' });

      postgres.start();
      let accepted = await postPayment(payments.url, body, key);
      // The pool may hand out a connection that died with the server once; the client retries, as told.
      for (let attempt = 0; accepted.status === 503 && attempt < 10; attempt++) accepted = await postPayment(payments.url, body, key);
      expect(accepted.status).toBe(201);
      expect(await writtenFor(databaseUrl, body.customerId, key)).toEqual({ payments: 1, outbox: 1, keys: 1 });
    } finally {
      await payments.stop();
      postgres.destroy();
    }
  }, 60_000);

  it('a path parameter with a NUL is refused with 400 naming it, not a 500 from the database', async () => {
    const crm = await ServiceProcess.start('crm', { port: 3163, name: 'hostile-path-crm', ready: false });
    try {
      const response = await fetch(`${crm.url}/customers/c%00-1`);
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({ error: { code: 'validation_failed', fields: [{ field: 'path customerId' }] } });
    } finally {
      await crm.stop();
    }
  });
});
