import { deadLetterQueueName, delayQueueName, workQueueTopology } from './queue-topology';

describe('workQueueTopology', () => {
  const topology = workQueueTopology('notifications.emails', [5_000, 30_000]);

  it('names a work queue, one delay queue per delay and a dead-letter queue after the work queue', () => {
    expect(topology.work.name).toBe('notifications.emails');
    expect(topology.delays.map((delay) => delay.name)).toEqual(['notifications.emails.delay-5000', 'notifications.emails.delay-30000']);
    expect(topology.deadLetter.name).toBe('notifications.emails.dead-letter');
    expect(delayQueueName('q', 200)).toBe('q.delay-200');
    expect(deadLetterQueueName('q')).toBe('q.dead-letter');
  });

  it('lets a job expire from a delay queue after its delay back into the work queue, through the default exchange, at least once', () => {
    expect(topology.delays[1].arguments).toEqual({
      'x-queue-type': 'quorum',
      'x-message-ttl': 30_000,
      'x-dead-letter-exchange': '',
      'x-dead-letter-routing-key': 'notifications.emails',
      'x-dead-letter-strategy': 'at-least-once',
      'x-overflow': 'reject-publish',
    });
  });

  it('declares every queue as a quorum queue, and the work and dead-letter queues with nothing else', () => {
    expect(topology.work.arguments).toEqual({ 'x-queue-type': 'quorum' });
    expect(topology.deadLetter.arguments).toEqual({ 'x-queue-type': 'quorum' });
  });

  it('declares a delay that appears twice once', () => {
    expect(workQueueTopology('q', [200, 200, 400]).delays.map((delay) => delay.delayMs)).toEqual([200, 400]);
  });
});
