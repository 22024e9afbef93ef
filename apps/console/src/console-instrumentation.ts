import { Injectable, Logger } from '@nestjs/common';
import { Counter, Registry } from 'prom-client';
import { ChoreographyFeed } from './choreography-feed';
import { PlatformStatus } from './platform-status';

/** Turns what the live view's feed and sampler report into logs and Prometheus metrics. */
@Injectable()
export class ConsoleInstrumentation {
  constructor(feed: ChoreographyFeed, status: PlatformStatus, registry: Registry) {
    const reconnects = new Counter({
      name: 'ensemble_console_feed_reconnects_total',
      help: 'Connections of the live feed to Kafka that failed, and crashes of its consumer; each is followed by a new connection',
      registers: [registry],
    });
    const skipped = new Counter({
      name: 'ensemble_console_feed_records_skipped_total',
      help: 'Records the live feed could not decode and left off the page, by topic',
      labelNames: ['topic'],
      registers: [registry],
    });
    const crmLookupsFailed = new Counter({
      name: 'ensemble_console_crm_lookups_failed_total',
      help: "Lookups of a customer's lifetime value that CRM did not answer; the reaction shows without it",
      registers: [registry],
    });
    const samplesFailed = new Counter({
      name: 'ensemble_console_platform_samples_failed_total',
      help: 'Samples of lags, rates and dead letters that failed because Kafka did not answer',
      registers: [registry],
    });

    const feedLogger = new Logger('live-feed');
    feed.on('following', ({ topics }) => feedLogger.log(`following ${topics.join(', ')}`));
    feed.on('connectFailed', ({ error, failures, retryInMs }) => {
      reconnects.inc();
      feedLogger.warn(`cannot follow the event topics yet (failure ${failures} in a row, again in ${retryInMs} ms): ${error.message}`);
    });
    feed.on('recordSkipped', ({ eventId, topic, partition, offset, error }) => {
      skipped.inc({ topic });
      feedLogger.warn({ eventId, topic, partition, offset }, `skipped a record it cannot decode: ${error.message}`);
    });
    feed.on('commitsUnread', ({ error }) => feedLogger.warn(`cannot read the consumer groups' commits: ${error.message}`));
    feed.on('crmLookupFailed', ({ customerId, crmUrl, error }) => {
      crmLookupsFailed.inc();
      feedLogger.warn(`crm did not answer for customer ${customerId} at ${crmUrl}: ${error.message}`);
    });

    const statusLogger = new Logger('live-status');
    status.on('sampleFailed', ({ error }) => {
      samplesFailed.inc();
      statusLogger.warn(`cannot sample the consumer groups: ${error.message}`);
    });
  }
}
