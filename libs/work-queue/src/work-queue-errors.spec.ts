import { isRetriable } from '@ensemble/retry';
import { isRefusedForGood, WorkQueuePublishFailed, WorkUnavailableError } from './work-queue-errors';

/** A channel closed by the broker, as amqplib reports it. */
function channelClosed(code: number, classId: number, methodId: number, message: string): Error {
  return Object.assign(new Error(`Channel closed by server: ${code} (${message})`), { code, classId, methodId });
}

describe('isRefusedForGood', () => {
  it('is true for a message larger than the broker’s max_message_size (406 on basic.publish)', () => {
    const tooLarge = channelClosed(406, 60, 40, 'PRECONDITION-FAILED with message "message size 2000000 is larger than configured max size 1048576"');
    const failure = new WorkQueuePublishFailed('publishing was not confirmed', { cause: tooLarge });
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

  it('is false for a lost connection, a 406 on anything but a publish, and errors that are not a publish failure', () => {
    expect(isRefusedForGood(new WorkQueuePublishFailed('lost', { cause: Object.assign(new Error('Connection closed: 320 (CONNECTION-FORCED)'), { code: 320 }) }))).toBe(false);
    expect(isRefusedForGood(new WorkQueuePublishFailed('declare', { cause: channelClosed(406, 50, 10, 'inequivalent arg') }))).toBe(false);
    expect(isRefusedForGood(channelClosed(406, 60, 40, 'message size'))).toBe(false);
    expect(isRefusedForGood(new RangeError('out of range'))).toBe(false);
    expect(isRefusedForGood(undefined)).toBe(false);
  });
});

describe('WorkUnavailableError', () => {
  it('is retriable: an outage is waited out', () => {
    expect(isRetriable(new WorkUnavailableError('connect ECONNREFUSED 127.0.0.1:1025'))).toBe(true);
  });
});
