import type { Message } from 'amqplib';
import { deadLetterHeaders, deadLetterOf, redrivenHeaders } from './dead-letter';

const failedAt = new Date('2026-12-03T18:00:00.000Z');

function message(headers: Record<string, unknown> | undefined, messageId: unknown = 'job-1'): Message {
  return { content: Buffer.alloc(0), fields: { redelivered: false }, properties: { messageId, headers } } as unknown as Message;
}

describe('dead letters', () => {
  it('carry the job’s headers and why, after how many attempts and when it last failed', () => {
    const headers = deadLetterHeaders({ traceparent: 't', attempts: '2' }, { reason: 'no such mailbox', attempts: 3, failedAt });
    expect(headers).toEqual({ traceparent: 't', attempts: '3', 'failure-reason': 'no such mailbox', 'failed-at': '2026-12-03T18:00:00.000Z' });
    expect(deadLetterOf(message(headers))).toEqual({ messageId: 'job-1', reason: 'no such mailbox', attempts: 3, failedAt });
  });

  it('list even when their headers are missing or garbled', () => {
    expect(deadLetterOf(message(undefined, 42))).toEqual({ messageId: '', reason: '(no reason recorded)', attempts: 0, failedAt: undefined });
    expect(deadLetterOf(message({ attempts: 'many', 'failed-at': 'yesterday' }))).toMatchObject({ attempts: 0, failedAt: undefined });
  });

  it('go back to work with attempts starting over, the failure dropped and the redrive dated', () => {
    const redrivenAt = new Date('2026-12-04T09:00:00.000Z');
    const headers = deadLetterHeaders({ traceparent: 't' }, { reason: 'no such mailbox', attempts: 3, failedAt });
    expect(redrivenHeaders(headers, redrivenAt)).toEqual({ traceparent: 't', 'redriven-at': '2026-12-04T09:00:00.000Z' });
  });
});
