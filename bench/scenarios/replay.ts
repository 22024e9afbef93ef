import { Kafka } from 'kafkajs';
import { EventCodec } from '@ensemble/event-codec';
import { ReplayClient } from '@ensemble/replay';
import { Choreography, waitUntilCaughtUp } from '@ensemble/testing';
import { measureBareDecoding } from '../baselines/bare-decoding-consumer';
import { producePaymentBacklog } from '../payment-backlog';

export interface ReplayResult {
  /** Records the replay read: every record of the dashboards' topics, the new backlog included. */
  records: number;
  seconds: number;
  replayPerSecond: number;
  bareDecodingPerSecond: number;
}

/**
 * A rebuild of the dashboards projection (read, apply to the shadow with its inbox, swap) after
 * `events` more PaymentCompleted records, next to a bare kafkajs consumer decoding the same records
 * from the same topics in the same run.
 */
export async function measureReplay(kafka: Kafka, codec: EventCodec, choreography: Choreography, adminToken: string, events: number): Promise<ReplayResult> {
  await producePaymentBacklog(kafka, codec, events);
  // The swap waits for the live consumer's position: let it work the backlog off first.
  await waitUntilCaughtUp(kafka, ['dashboards']);
  const client = new ReplayClient(choreography.url('dashboards'), adminToken);
  const replay = await client.waitUntilFinished((await client.start()).id);
  if (replay.state !== 'done') throw new Error(`the dashboards replay ended ${replay.state}: ${replay.error}`);

  const admin = kafka.admin();
  await admin.connect();
  const starts = [];
  for (const topic of new Set(replay.partitions.map((partition) => partition.topic))) {
    for (const { partition, low } of await admin.fetchTopicOffsets(topic)) starts.push({ topic, partition, offset: low });
  }
  await admin.disconnect();
  return {
    records: replay.recordsRead,
    seconds: (Date.parse(replay.finishedAt!) - Date.parse(replay.startedAt)) / 1_000,
    replayPerSecond: replay.eventsPerSecond,
    bareDecodingPerSecond: await measureBareDecoding(kafka, codec, starts, replay.recordsRead),
  };
}
