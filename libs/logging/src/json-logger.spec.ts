import { Writable } from 'node:stream';
import { trace } from '@opentelemetry/api';
import { createJsonLogger } from './json-logger';

function memoryLogger(level: Parameters<typeof createJsonLogger>[1] = 'info') {
  const lines: string[] = [];
  const memory = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(...chunk.toString().split('\n').filter(Boolean));
      done();
    },
  });
  return { logger: createJsonLogger('payments', level, memory), lines, entries: () => lines.map((line) => JSON.parse(line) as Record<string, unknown>) };
}

describe('createJsonLogger', () => {
  afterEach(() => jest.restoreAllMocks());

  it('writes one JSON line per entry with the service, the level as a word and an ISO time', () => {
    const { logger, lines, entries } = memoryLogger();
    logger.warn({ topic: 'payments.payment-completed' }, 'slow');

    expect(lines).toHaveLength(1);
    expect(entries()[0]).toMatchObject({ service: 'payments', level: 'warn', topic: 'payments.payment-completed', msg: 'slow' });
    expect(entries()[0].time).toEqual(new Date(entries()[0].time as string).toISOString());
  });

  it('leaves out what is below its level', () => {
    const { logger, lines } = memoryLogger('warn');
    logger.info('routine');
    logger.error('broken');
    expect(lines.map((line) => JSON.parse(line).msg)).toEqual(['broken']);
  });

  it('adds no trace ids outside a span, as when no tracer is registered', () => {
    const { logger, entries } = memoryLogger();
    logger.info('untraced');
    expect(entries()[0]).not.toHaveProperty('trace_id');
    expect(entries()[0]).not.toHaveProperty('span_id');
  });

  it('adds the trace and span ids of the active span', () => {
    const span = trace.wrapSpanContext({ traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7', traceFlags: 1 });
    jest.spyOn(trace, 'getActiveSpan').mockReturnValue(span);
    const { logger, entries } = memoryLogger();
    logger.info('traced');
    expect(entries()[0]).toMatchObject({ trace_id: '4bf92f3577b34da6a3ce929d0e0e4736', span_id: '00f067aa0ba902b7' });
  });

  it('writes of an error its type, message, stack and code, not what a driver attached to it', () => {
    const { logger, lines, entries } = memoryLogger();
    const error = Object.assign(new Error('duplicate key value violates unique constraint "customers_pkey"'), {
      code: '23505',
      detail: 'Key (email)=(ada@example.com) already exists.',
      parameters: ['Ada Lovelace', '12 St James Sq'],
    });
    logger.error({ err: error }, 'failed');

    expect(entries()[0].err).toEqual({ type: 'Error', message: error.message, stack: error.stack, code: '23505' });
    expect(lines[0]).not.toMatch(/ada@example\.com|Ada Lovelace|St James/);
  });

  it('never writes headers or secrets, whoever hands them over', () => {
    const { logger, lines } = memoryLogger();
    const headers = { authorization: 'Bearer admin-token-0123456789', 'idempotency-key': 'key-42', cookie: 'session=s3cret' };
    logger.warn({ headers, req: { method: 'POST', headers }, authorization: 'Bearer admin-token-0123456789', 'idempotency-key': 'key-42', adminToken: 'admin-token-0123456789' }, 'careless');
    logger.child({ req: { headers } }).warn('careless child');

    expect(lines).toHaveLength(2);
    expect(lines.join('\n')).not.toMatch(/admin-token|key-42|s3cret/);
  });
});
