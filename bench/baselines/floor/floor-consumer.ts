/**
 * One of the floor's four consumers, one process and no framework: a kafkajs consumer that applies
 * each fetched batch of a partition in one transaction, its inbox rows (deduplicated on the event
 * id) and its effect rows together, then commits the offsets. The durable steps an Ensemble
 * consumer takes, and nothing else. Started by floor-pipeline.ts.
 */
import { Pool } from 'pg';
import { loadPlatformConfig } from '@ensemble/config';
import { createPlatformClients } from '@ensemble/platform';
import type { PaymentCompleted } from '@ensemble/events';
import { floorEnvironment, groupOf } from './floor-environment';

const { databaseUrl, topic, consumer: name } = floorEnvironment();
const { kafka, codec, catalogue } = createPlatformClients(loadPlatformConfig(), `bench-floor-${name}`);
// The records are PaymentCompleted's, registered under its topic's subject: decoded with the same checks as Ensemble's.
const { topic: registeredUnder } = catalogue.get('PaymentCompleted');
const pool = new Pool({ connectionString: databaseUrl, max: 4 });

// Fetch settings as Ensemble's consumers have them.
const consumer = kafka.consumer({ groupId: groupOf(topic, name), maxWaitTimeInMs: 500 });

async function main(): Promise<void> {
  consumer.on(consumer.events.GROUP_JOIN, () => console.log('joined'));
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    autoCommit: false,
    partitionsConsumedConcurrently: 3,
    eachBatch: async ({ batch, commitOffsetsIfNecessary }) => {
      if (batch.messages.length === 0) return;
      const events = (await Promise.all(batch.messages.map((message) => codec.decode(registeredUnder, message.value)))) as PaymentCompleted[];
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        await client.query(
          `WITH fresh AS (INSERT INTO floor_inbox (consumer, event_id) SELECT $1, unnest($2::uuid[]) ON CONFLICT DO NOTHING RETURNING event_id)
           INSERT INTO floor_effects (consumer, payment_id, amount_minor)
           SELECT $1, effect.payment_id, effect.amount_minor FROM unnest($3::uuid[], $4::uuid[], $5::bigint[]) AS effect(event_id, payment_id, amount_minor)
           WHERE effect.event_id IN (SELECT event_id FROM fresh)`,
          [name, events.map((event) => event.envelope.eventId), events.map((event) => event.envelope.eventId), events.map((event) => event.paymentId), events.map((event) => event.amountMinor)],
        );
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK');
        throw error;
      } finally {
        client.release();
      }
      const last = batch.messages[batch.messages.length - 1].offset;
      await commitOffsetsIfNecessary({ topics: [{ topic: batch.topic, partitions: [{ partition: batch.partition, offset: (BigInt(last) + 1n).toString() }] }] });
    },
  });
}

// Leaves the group on SIGTERM, so that the pipeline can delete it once stopped.
process.once('SIGTERM', () => void consumer.disconnect().finally(() => process.exit(0)));

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
