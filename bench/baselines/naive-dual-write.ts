import { Body, Controller, HttpCode, Inject, Module, Post } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ClientKafka, ClientsModule, Transport } from '@nestjs/microservices';
import { NestExpressApplication } from '@nestjs/platform-express';
import { Pool } from 'pg';
import { lastValueFrom } from 'rxjs';

const POOL = 'NAIVE_POOL';
const KAFKA = 'NAIVE_KAFKA';
export const NAIVE_TOPIC = 'bench.naive-payments';

/**
 * What a team writes without an outbox: save the payment, then emit the event with Nest's
 * ClientKafka. A crash between the two loses the event (the reason for the outbox); this is only
 * the latency baseline. Injected by token, as it runs under tsx, which emits no type metadata.
 */
@Controller('payments')
class NaivePaymentsController {
  constructor(
    @Inject(POOL) private readonly pool: Pool,
    @Inject(KAFKA) private readonly kafka: ClientKafka,
  ) {}

  @Post()
  @HttpCode(201)
  async record(@Body() payment: { id: string; amountMinor: number; currency: string }) {
    await this.pool.query('INSERT INTO naive_payments (id, amount_minor, currency) VALUES ($1, $2, $3)', [payment.id, payment.amountMinor, payment.currency]);
    await lastValueFrom(this.kafka.emit(NAIVE_TOPIC, { key: payment.id, value: JSON.stringify(payment) }));
    return payment;
  }
}

/** Starts the naive service on `port`; `stop` closes it and its pool. */
export async function startNaiveDualWrite(options: { port: number; databaseUrl: string; brokers: string[] }): Promise<{ url: string; stop: () => Promise<void> }> {
  const pool = new Pool({ connectionString: options.databaseUrl, max: 10 });
  await pool.query('CREATE TABLE IF NOT EXISTS naive_payments (id uuid PRIMARY KEY, amount_minor bigint NOT NULL, currency text NOT NULL)');

  @Module({
    imports: [
      ClientsModule.register([
        { name: KAFKA, transport: Transport.KAFKA, options: { client: { brokers: options.brokers, clientId: 'bench-naive' }, producerOnlyMode: true } },
      ]),
    ],
    controllers: [NaivePaymentsController],
    providers: [{ provide: POOL, useValue: pool }],
  })
  class NaiveModule {}

  const app = await NestFactory.create<NestExpressApplication>(NaiveModule, { logger: ['error'] });
  await app.get<ClientKafka>(KAFKA).connect();
  await app.listen(options.port, '127.0.0.1');
  return {
    url: `http://127.0.0.1:${options.port}`,
    stop: async () => {
      await app.close();
      await pool.end();
    },
  };
}
