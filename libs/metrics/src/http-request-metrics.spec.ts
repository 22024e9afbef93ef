import { Body, Controller, Get, Module, NotFoundException, Param, Post } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { Registry } from 'prom-client';
import { measureHttpRequests, UNMATCHED_ROUTE } from './http-request-metrics';

@Controller('payments')
class PaymentsController {
  @Get(':id')
  find(@Param('id') id: string) {
    if (id === 'missing') throw new NotFoundException();
    return { id };
  }

  @Post()
  create(@Body() body: unknown) {
    return body;
  }
}

@Module({ controllers: [PaymentsController] })
class PaymentsModule {}

describe('measureHttpRequests', () => {
  const registry = new Registry();
  let app: NestExpressApplication;
  let url: string;

  beforeAll(async () => {
    app = await NestFactory.create<NestExpressApplication>(PaymentsModule, { logger: false, bodyParser: false });
    app.use(measureHttpRequests(registry));
    app.useBodyParser('json');
    await app.listen(0, '127.0.0.1');
    url = await app.getUrl();
  });

  afterAll(() => app.close());

  /** The number of requests timed with exactly these labels, once their answers are out. */
  async function timed(labels: Record<string, string>): Promise<number | undefined> {
    const { values } = await registry.getSingleMetric('http_request_duration_seconds')!.get();
    const all = { ...labels, le: '+Inf' };
    return values.find((entry) => Object.entries(all).every(([key, value]) => String(entry.labels[key]) === value))?.value;
  }

  it('labels a request with the route pattern that matched, never the ids in its path', async () => {
    await fetch(`${url}/payments/3f2b-first`);
    await fetch(`${url}/payments/9a1c-second`);
    await fetch(`${url}/payments/missing`);
    expect(await timed({ method: 'GET', route: '/payments/:id', status_code: '200' })).toBe(2);
    expect(await timed({ method: 'GET', route: '/payments/:id', status_code: '404' })).toBe(1);
    const labels = (await registry.getSingleMetric('http_request_duration_seconds')!.get()).values.map((entry) => String(entry.labels.route));
    expect(labels.filter((route) => route.includes('first') || route.includes('second'))).toEqual([]);
  });

  it(`labels a path no route matches, and a body refused before routing, as "${UNMATCHED_ROUTE}"`, async () => {
    await fetch(`${url}/payments/3f2b/refunds/ada@example.com`);
    await fetch(`${url}/payments`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"not json' });
    expect(await timed({ method: 'GET', route: UNMATCHED_ROUTE, status_code: '404' })).toBe(1);
    expect(await timed({ method: 'POST', route: UNMATCHED_ROUTE, status_code: '400' })).toBe(1);
  });

  it('times a request that reached its route by its route, whatever it answered', async () => {
    await fetch(`${url}/payments`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"amountMinor":1}' });
    expect(await timed({ method: 'POST', route: '/payments', status_code: '201' })).toBe(1);
  });
});
