import { Injectable, Logger } from '@nestjs/common';
import { Counter, Histogram, Registry } from 'prom-client';
import { Delivery } from './event-context';
import { EventTransport } from './event-transport';

/** Which record a line is about, as fields: its event id (when its headers name one) and where it was published. */
function recordFields({ topic, partition, offset, headers }: Delivery): { eventId?: string; topic: string; partition: number; offset: string } {
  return { eventId: headers['event-id'], topic, partition, offset };
}

/** Turns what the service's {@link EventTransport} reports into logs and Prometheus metrics. */
@Injectable()
export class EventTransportInstrumentation {
  private readonly logger = new Logger('event-consumer');

  constructor(transport: EventTransport, registry: Registry) {
    const applied = new Counter({
      name: 'ensemble_consumer_records_applied_total',
      help: 'Records whose transaction committed (duplicates included, which have no second effect), by the topic they were published to',
      labelNames: ['topic'],
      registers: [registry],
    });
    const rerouted = new Counter({
      name: 'ensemble_consumer_records_rerouted_total',
      help: 'Failed records sent to a retry topic or to the dead-letter topic, by destination and reason',
      labelNames: ['destination', 'reason'],
      registers: [registry],
    });
    const stubs = new Counter({
      name: 'ensemble_consumer_dead_letter_stubs_total',
      help: 'Records that could not be rerouted whole and left a stub in the dead-letter topic',
      registers: [registry],
    });
    const transactionSeconds = new Histogram({
      name: 'ensemble_consumer_transaction_duration_seconds',
      help: 'Time to apply a chunk of records in one transaction, commit included',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    });
    const transactionRecords = new Histogram({
      name: 'ensemble_consumer_transaction_records',
      help: 'Records applied per transaction',
      buckets: [1, 10, 50, 100, 250, 500, 1_000, 2_500, 5_000],
      registers: [registry],
    });
    const startFailures = new Counter({
      name: 'ensemble_consumer_start_failures_total',
      help: 'Starts of the consumer that failed, and crashes kafkajs did not recover from; each is followed by a new start',
      registers: [registry],
    });

    transport.on('committed', ({ target, records, durationMs }) => {
      // A replay applies through the same core into its shadow: only the live consumer's transactions are counted here.
      if (target.schema) return;
      transactionSeconds.observe(durationMs / 1_000);
      transactionRecords.observe(records.length);
      const byTopic = new Map<string, number>();
      for (const { delivery } of records) byTopic.set(delivery.topic, (byTopic.get(delivery.topic) ?? 0) + 1);
      for (const [topic, count] of byTopic) applied.inc({ topic }, count);
    });
    transport.on('rerouted', ({ delivery, to, destination, failure }) => {
      rerouted.inc({ destination, reason: failure.reason });
      this.logger.warn({ ...recordFields(delivery), to, reason: failure.reason }, `rerouted to ${to} (${failure.reason}): ${failure.message}`);
    });
    transport.on('stubbed', ({ delivery, to, failure }) => {
      stubs.inc();
      this.logger.warn({ ...recordFields(delivery), to, reason: failure.reason }, `left a stub in ${to}: ${failure.message}`);
    });
    transport.on('startFailed', ({ error, failures, retryInMs }) => {
      startFailures.inc();
      this.logger.warn(`could not start consuming (failure ${failures} in a row since the group was last joined), trying again in ${retryInMs} ms: ${error.message}`);
    });
    transport.on('consuming', ({ group, eventTopics, retryTopics }) =>
      this.logger.log(`consuming ${eventTopics.join(', ')} and ${retryTopics.join(', ')} as group ${group}`),
    );
    transport.on('decodeFailed', ({ topic, error, retryInMs }) =>
      this.logger.warn({ topic }, `decoding a record of ${topic} failed, retrying in ${retryInMs} ms: ${error.message}`),
    );
    transport.on('sendFailed', ({ topic, error, retryInMs }) => this.logger.warn({ topic }, `sending to ${topic} failed, retrying in ${retryInMs} ms: ${error.message}`));
    transport.on('databaseUnavailable', ({ error, retryInMs }) =>
      this.logger.warn(`the database does not answer; the same records are applied again once it does (next try in ${retryInMs} ms): ${error.message}`),
    );
  }
}
