import type { Message, MessagePropertyHeaders } from 'amqplib';
import { attemptsOf, failureReason, headersAsStrings, jobOf, MAX_REASON_LENGTH } from './job';

describe('attemptsOf', () => {
  it('reads the count the work queue wrote, as text or as a number', () => {
    expect(attemptsOf({ attempts: '2' })).toBe(2);
    expect(attemptsOf({ attempts: 3 })).toBe(3);
  });

  it('counts a job without the header as not failed yet', () => {
    expect(attemptsOf(undefined)).toBe(0);
    expect(attemptsOf({})).toBe(0);
  });

  it.each([['-1'], [-1], ['1.5'], [1.5], ['abc'], [''], ['2e3'], ['0x10'], [NaN], [Infinity], [Number.MAX_VALUE], ['9999999999999999999'], [true], [null], [{ n: 1 }], [['1']], [Buffer.from('2')]])(
    'counts a forged or garbled header (%p) as no failed attempt, without throwing',
    (value) => {
      expect(attemptsOf({ attempts: value })).toBe(0);
    },
  );
});

describe('headersAsStrings', () => {
  it('keeps text, numbers and booleans as text, and leaves out RabbitMQ’s own x- headers and values that are not scalars', () => {
    expect(
      headersAsStrings({
        traceparent: '00-abc-def-01',
        attempts: 2,
        urgent: true,
        'x-death': [{ count: 1, reason: 'expired', queue: 'q.delay-200', exchange: '', 'routing-keys': ['q.delay-200'], time: { '!': 'timestamp', value: 1 } }],
        'x-first-death-queue': 'q.delay-200',
        table: { a: 1 },
        bytes: Buffer.from('x'),
      } as MessagePropertyHeaders),
    ).toEqual({ traceparent: '00-abc-def-01', attempts: '2', urgent: 'true' });
  });
});

describe('jobOf', () => {
  it('reads the messageId, body, headers, failed attempts and whether it was delivered before', () => {
    const message = {
      content: Buffer.from('{"to":"a@example.com"}'),
      fields: { deliveryTag: 1, redelivered: true, exchange: '', routingKey: 'q' },
      properties: { messageId: 'job-1', headers: { attempts: '1', kind: 'receipt' } },
    } as unknown as Message;
    expect(jobOf(message)).toEqual({
      messageId: 'job-1',
      body: Buffer.from('{"to":"a@example.com"}'),
      headers: { attempts: '1', kind: 'receipt' },
      attempts: 1,
      redelivered: true,
    });
  });

  it('takes a job without a messageId or headers without throwing', () => {
    const message = { content: Buffer.alloc(0), fields: { redelivered: false }, properties: { messageId: undefined, headers: undefined } } as unknown as Message;
    expect(jobOf(message)).toMatchObject({ messageId: '', headers: {}, attempts: 0 });
  });
});

describe('failureReason', () => {
  it('is the error’s message, named by its class unless it is a plain Error', () => {
    expect(failureReason(new Error('550 mailbox unavailable'))).toBe('550 mailbox unavailable');
    expect(failureReason(new TypeError('x is undefined'))).toBe('TypeError: x is undefined');
    expect(failureReason('thrown text')).toBe('thrown text');
  });

  it(`is cut to ${MAX_REASON_LENGTH} characters`, () => {
    const reason = failureReason(new Error('x'.repeat(10_000)));
    expect(reason).toHaveLength(MAX_REASON_LENGTH);
    expect(reason.endsWith('…')).toBe(true);
  });
});
