import { isRetriable } from '@ensemble/retry';
import { isMessageRefusal, isRefusedForGood, WorkQueuePublishFailed, WorkUnavailableError } from './work-queue-errors';

/** A channel closed by the broker, as amqplib reports it. */
function channelClosed(code: number, classId: number, methodId: number, message: string): Error {
  return Object.assign(new Error(`Channel closed by server: ${code} (${message})`), { code, classId, methodId });
}

const tooLarge = channelClosed(406, 60, 40, 'PRECONDITION-FAILED with message "message size 2000000 is larger than configured max size 1048576"');

describe('isMessageRefusal', () => {
  it('is true for a channel closed on a message larger than the broker’s max_message_size (406 on basic.publish)', () => {
    expect(isMessageRefusal(tooLarge)).toBe(true);
  });

  it('is false for a 406 on anything but a publish, a lost connection, and nothing', () => {
    expect(isMessageRefusal(channelClosed(406, 50, 10, 'inequivalent arg'))).toBe(false);
    expect(isMessageRefusal(Object.assign(new Error('Connection closed: 320 (CONNECTION-FORCED)'), { code: 320 }))).toBe(false);
    expect(isMessageRefusal(undefined)).toBe(false);
  });
});

describe('isRefusedForGood', () => {
  it('is true for a publish failure that says so, and then not retriable', () => {
    const failure = new WorkQueuePublishFailed('publishing was not confirmed', { cause: tooLarge, refusedForGood: true });
    expect(isRefusedForGood(failure)).toBe(true);
    expect(isRetriable(failure)).toBe(false);
  });

  it('is true for a failure that says so itself, such as headers amqplib cannot encode, also when wrapped', () => {
    const failure = new WorkQueuePublishFailed('amqplib cannot encode a job', { cause: new RangeError('table too large'), refusedForGood: true });
    expect(isRefusedForGood(new Error('relay pass failed', { cause: failure }))).toBe(true);
  });

  it('is false for a nack, which RabbitMQ sends when a queue refuses more for now or on an internal error', () => {
    expect(isRefusedForGood(new WorkQueuePublishFailed('the broker nacked a job', { cause: new Error('message nacked') }))).toBe(false);
  });

  it('is false for a publish failure that does not say so, even with a refusal as its cause (publishing again on a channel closed by one), and for other errors', () => {
    expect(isRefusedForGood(new WorkQueuePublishFailed('not connected: connect() first', { cause: tooLarge }))).toBe(false);
    expect(isRefusedForGood(tooLarge)).toBe(false);
    expect(isRefusedForGood(new RangeError('out of range'))).toBe(false);
    expect(isRefusedForGood(undefined)).toBe(false);
  });
});

describe('WorkUnavailableError', () => {
  it('is retriable: an outage is waited out', () => {
    expect(isRetriable(new WorkUnavailableError('connect ECONNREFUSED 127.0.0.1:1025'))).toBe(true);
  });
});
