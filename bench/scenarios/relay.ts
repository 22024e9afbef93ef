import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { Kafka } from 'kafkajs';
import { Client } from 'pg';
import { PlatformConfig } from '@ensemble/config';
import { EventCodec } from '@ensemble/event-codec';
import { createOrderedProducer } from '@ensemble/kafka';
import { DEFAULT_RELAY_OPTIONS, KafkaDestination, measureOutboxBacklog, OUTBOX_MIGRATIONS, OutboxRelay } from '@ensemble/outbox';
import { pollUntil } from '@ensemble/retry';
import { createScratchDatabase, paymentCompletedEvent } from '@ensemble/testing';
import { loadInfraConfig } from '../../infra/src/infra-config';
import { kafkaToolsClasspath } from '../../infra/src/kafka-broker';

export interface RelayResult {
  events: number;
  relayPerSecond: number;
  barePerSecond: number;
  kafkaToolPerSecond: number;
}

/**
 * Events per second from a pre-filled outbox (scratch database) to a topic, next to a bare kafkajs
 * producer sending the same Avro bytes in the same batch size, and to Kafka's own
 * ProducerPerformance with records of the same size (the broker's limit here).
 */
export async function measureRelay(config: PlatformConfig, kafka: Kafka, codec: EventCodec, events: number, batchSize = DEFAULT_RELAY_OPTIONS.batchSize): Promise<RelayResult> {
  const database = await createScratchDatabase(config.databases.payments, 'bench_outbox', OUTBOX_MIGRATIONS);
  const admin = kafka.admin();
  await admin.connect();
  const topics = ['relay', 'bare', 'tool'].map((purpose) => `bench.${purpose}-${randomUUID().slice(0, 8)}`);
  await admin.createTopics({ waitForLeaders: true, topics: topics.map((topic) => ({ topic, numPartitions: 6, replicationFactor: 1 })) });
  const [relayTopic, bareTopic, toolTopic] = topics;
  const db = new Client({ connectionString: database.url });
  await db.connect();
  try {
    const rows = Array.from({ length: events }, () => paymentCompletedEvent());
    for (let start = 0; start < rows.length; start += 1_000) {
      const chunk = rows.slice(start, start + 1_000);
      await db.query(
        `INSERT INTO outbox (id, aggregate_type, aggregate_id, event_type, topic, payload, headers)
         SELECT id, 'Payment', aggregate_id, 'PaymentCompleted', $1, payload, '{}' FROM unnest($2::uuid[], $3::text[], $4::jsonb[]) AS t(id, aggregate_id, payload)`,
        [relayTopic, chunk.map((event) => event.envelope.eventId), chunk.map((event) => event.envelope.aggregateId), chunk.map((event) => JSON.stringify(event))],
      );
    }
    const producer = () => createOrderedProducer(kafka);
    const encoded = await Promise.all(rows.map((event) => codec.encode('PaymentCompleted', event)));

    // Both producers are connected before their clocks start, so that the figures compare sending, not connecting.
    const relayProducer = producer();
    await relayProducer.connect();
    const relay = new OutboxRelay({ ...DEFAULT_RELAY_OPTIONS, databaseUrl: database.url, batchSize }, new KafkaDestination(relayProducer, codec));
    const relayStarted = performance.now();
    await relay.start();
    await pollUntil(async () => (await measureOutboxBacklog(db)).pending === 0, { intervalMs: 20, description: 'the relay to drain the outbox' });
    const relaySeconds = (performance.now() - relayStarted) / 1_000;
    await relay.stop();

    const bare = producer();
    await bare.connect();
    const bareStarted = performance.now();
    for (let start = 0; start < encoded.length; start += batchSize) {
      await bare.send({ topic: bareTopic, acks: -1, messages: encoded.slice(start, start + batchSize).map((value, offset) => ({ key: rows[start + offset].paymentId, value })) });
    }
    const bareSeconds = (performance.now() - bareStarted) / 1_000;
    await bare.disconnect();

    const recordSize = Math.round(encoded.reduce((sum, value) => sum + value.length, 0) / encoded.length);
    const classpath = await kafkaToolsClasspath(loadInfraConfig(), () => undefined);
    const tool = spawnSync(
      'java',
      ['-cp', classpath, 'org.apache.kafka.tools.ProducerPerformance', '--topic', toolTopic, '--num-records', String(events), '--record-size', String(recordSize), '--throughput', '-1',
        '--producer-props', `bootstrap.servers=${config.kafka.brokers.join(',')}`, 'acks=all', 'enable.idempotence=true'],
      { encoding: 'utf8' },
    );
    const toolRate = Number(/([\d.]+) records\/sec/.exec(tool.stdout.trim().split('\n').pop() ?? '')?.[1] ?? NaN);

    return { events, relayPerSecond: Math.round(events / relaySeconds), barePerSecond: Math.round(events / bareSeconds), kafkaToolPerSecond: Math.round(toolRate) };
  } finally {
    await db.end();
    await database.drop();
    await admin.deleteTopics({ topics });
    await admin.disconnect();
  }
}
