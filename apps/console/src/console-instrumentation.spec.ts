import { EventEmitter } from 'node:events';
import { Logger } from '@nestjs/common';
import { Registry } from 'prom-client';
import { ChoreographyFeed, ChoreographyFeedEvents } from './choreography-feed';
import { ConsoleInstrumentation } from './console-instrumentation';
import { PlatformStatus, PlatformStatusEvents } from './platform-status';

describe('ConsoleInstrumentation', () => {
  let feed: EventEmitter<ChoreographyFeedEvents>;
  let status: EventEmitter<PlatformStatusEvents>;
  let registry: Registry;

  beforeAll(() => Logger.overrideLogger(false));
  afterAll(() => Logger.overrideLogger(true));

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

  it('counts CRM lookups that failed and samples that failed', async () => {
    feed.emit('crmLookupFailed', { customerId: 'c-42', crmUrl: 'http://127.0.0.1:3002', error: new Error('it answered 503') });
    status.emit('sampleFailed', { error: new Error('broker down') });
    status.emit('sampleFailed', { error: new Error('broker down') });
    expect(await value('ensemble_console_crm_lookups_failed_total')).toBe(1);
    expect(await value('ensemble_console_platform_samples_failed_total')).toBe(2);
  });

});
