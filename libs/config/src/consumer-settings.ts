import { z } from 'zod';
import { parseEnvironment } from './environment';

/** Rounds through retry topics before a record is dead-lettered: one topic per round, so that each holds records of one delay. */
export const RETRY_ROUNDS = 3;

/** How a consuming service applies its events (`CONSUMER_*`). */
export interface ConsumerSettings {
  /**
   * Records applied per transaction, in partition order. Larger transactions work a backlog off
   * faster, since each commit (the inbox's rows, the offsets) is paid once per transaction; the
   * default was chosen with the consumer scenario of the bench.
   */
  batchSize: number;
  /** Tries of a failing batch in place, with backoff, before its records are tried one by one and rerouted. */
  attempts: number;
  /** Delay before each round through the retry topics (at most RETRY_ROUNDS); after the last round the record is dead-lettered. */
  retryDelaysMs: number[];
  partitionsConsumedConcurrently: number;
  /**
   * How long a consumer waits before its next fetch after one that brought records and caught up
   * with their partition: what arrives meanwhile comes in one batch, so each record's share of a
   * fetch, a transaction and an offset commit falls as load rises. Neither an idle consumer
   * (nothing fetched) nor one working off a backlog (records left behind the batch) waits; 0 never waits.
   */
  lingerMs: number;
  /** How long the group waits for a member that stopped answering before its partitions move to the others. */
  sessionTimeoutMs: number;
  /** The consumer group; the service's name unless a spec runs an instance beside the service's own (CONSUMER_GROUP). */
  group?: string;
}

const delays = z
  .string()
  .regex(/^\d+(,\d+)*$/, 'expected comma-separated milliseconds, e.g. 1000,10000,60000')
  .transform((value) => value.split(',').map(Number))
  .refine((value) => value.length <= RETRY_ROUNDS, `at most ${RETRY_ROUNDS} delays, one per retry topic`);

export function loadConsumerSettings(env: Record<string, string | undefined> = process.env): ConsumerSettings {
  const parsed = parseEnvironment(
    {
      CONSUMER_BATCH_SIZE: z.coerce.number().int().min(1).max(5_000).default(1_000),
      CONSUMER_ATTEMPTS: z.coerce.number().int().min(1).max(20).default(3),
      CONSUMER_RETRY_DELAYS_MS: delays.default([1_000, 10_000, 60_000]),
      CONSUMER_PARTITIONS_CONCURRENTLY: z.coerce.number().int().min(1).max(64).default(3),
      CONSUMER_LINGER_MS: z.coerce.number().int().min(0).max(1_000).default(10),
      // The broker refuses less than its group.min.session.timeout.ms, 6 s by default.
      CONSUMER_SESSION_TIMEOUT_MS: z.coerce.number().int().min(6_000).max(300_000).default(10_000),
      CONSUMER_GROUP: z.string().min(1).optional(),
    },
    env,
  );
  return {
    batchSize: parsed.CONSUMER_BATCH_SIZE,
    attempts: parsed.CONSUMER_ATTEMPTS,
    retryDelaysMs: parsed.CONSUMER_RETRY_DELAYS_MS,
    partitionsConsumedConcurrently: parsed.CONSUMER_PARTITIONS_CONCURRENTLY,
    lingerMs: parsed.CONSUMER_LINGER_MS,
    sessionTimeoutMs: parsed.CONSUMER_SESSION_TIMEOUT_MS,
    group: parsed.CONSUMER_GROUP,
  };
}
