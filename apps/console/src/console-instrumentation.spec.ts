import { EventEmitter } from 'node:events';
import { Registry } from 'prom-client';
import { captureJsonLogs, LogEntry } from '@ensemble/testing';
import { ChoreographyFeed, ChoreographyFeedEvents } from './choreography-feed';
import { ConsoleInstrumentation } from './console-instrumentation';
import { PlatformStatus, PlatformStatusEvents } from './platform-status';

describe('ConsoleInstrumentation', () => {
  let feed: EventEmitter<ChoreographyFeedEvents>;
  let status: EventEmitter<PlatformStatusEvents>;
  let registry: Registry;
  let logs: LogEntry[];

  beforeAll(() => (logs = captureJsonLogs('console')));

  beforeEach(() => {
    feed = new EventEmitter<ChoreographyFeedEvents>();
    status = new EventEmitter<PlatformStatusEvents>();
    registry = new Registry();
    new ConsoleInstrumentation(feed as unknown as ChoreographyFeed, status as unknown as PlatformStatus, registry);
  });

  const value = async (name: string, labels: Record<string, string> = {}) =>
    (await registry.getSingleMetric(name)!.get()).values.find((entry) => Object.entries(labels).every(([key, label]) => String(entry.labels[key]) === label))?.value;

  it('counts the feed’s failed connections, and not its going live', async () => {
    feed.emit('connectFailed', { error: new Error('broker down'), failures: 1, retryInMs: 800 });
    feed.emit('connectFailed', { error: new Error("the feed's consumer stopped: gone"), failures: 2, retryInMs: 300 });
    feed.emit('following', { topics: ['payments.payment-completed'] });
    expect(await value('ensemble_console_feed_reconnects_total')).toBe(2);
  });

  it('counts the records the feed skipped by topic', async () => {
    const skip = (topic: string, offset: string) => feed.emit('recordSkipped', { topic, partition: 0, offset, error: new Error('bad magic byte') });
    skip('payments.payment-completed', '4');
    skip('payments.payment-completed', '5');
    skip('invoice.invoice-issued', '9');
    expect(await value('ensemble_console_feed_records_skipped_total', { topic: 'payments.payment-completed' })).toBe(2);
    expect(await value('ensemble_console_feed_records_skipped_total', { topic: 'invoice.invoice-issued' })).toBe(1);
  });

  it('logs a skipped record with its event id and position as fields', () => {
    feed.emit('recordSkipped', { eventId: '0b6f9a4e-1c2d-4e5f-8a9b-0c1d2e3f4a5b', topic: 'payments.payment-completed', partition: 1, offset: '7', error: new Error('bad magic byte') });
    expect(logs.at(-1)).toMatchObject({
      level: 'warn',
      context: 'live-feed',
      eventId: '0b6f9a4e-1c2d-4e5f-8a9b-0c1d2e3f4a5b',
      topic: 'payments.payment-completed',
      partition: 1,
      offset: '7',
      msg: 'skipped a record it cannot decode: bad magic byte',
    });
  });

  it('counts CRM lookups that failed and samples that failed', async () => {
    feed.emit('crmLookupFailed', { customerId: 'c-42', crmUrl: 'http://127.0.0.1:3002', error: new Error('it answered 503') });
    status.emit('sampleFailed', { error: new Error('broker down') });
    status.emit('sampleFailed', { error: new Error('broker down') });
    expect(await value('ensemble_console_crm_lookups_failed_total')).toBe(1);
    expect(await value('ensemble_console_platform_samples_failed_total')).toBe(2);
  });

});
