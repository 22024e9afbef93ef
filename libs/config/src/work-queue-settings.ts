import { z } from 'zod';
import { parseEnvironment } from './environment';

/** The work queue (RabbitMQ) through which a service hands jobs, such as emails, to its workers. */
export interface WorkQueueSettings {
  /** `RABBITMQ_URL`: an AMQP 0-9-1 URL, with the user, password and virtual host. */
  url: string;
  /** `WORK_QUEUE_PREFETCH`: jobs a worker holds unacknowledged at once. */
  prefetch: number;
  /**
   * `WORK_QUEUE_RETRY_DELAYS_MS`: the delay before each new attempt of a job that failed on its own,
   * one delay queue each; a job that fails once more than there are delays is dead-lettered.
   */
  retryDelaysMs: number[];
}

export const LOCAL_RABBITMQ_URL = 'amqp://guest:guest@127.0.0.1:5672';

const amqpUrl = z.string().regex(/^amqps?:\/\/[^\s/]+/, 'expected an amqp:// or amqps:// URL');

const delays = z
  .string()
  .transform((value) => value.split(',').map((delay) => Number(delay.trim())))
  .pipe(z.array(z.number().int().min(1).max(86_400_000)).min(1, 'expected at least one delay').max(10, 'expected at most 10 delays'));

export function loadWorkQueueSettings(env: Record<string, string | undefined> = process.env): WorkQueueSettings {
  const parsed = parseEnvironment(
    {
      RABBITMQ_URL: amqpUrl.default(LOCAL_RABBITMQ_URL),
      WORK_QUEUE_PREFETCH: z.coerce.number().int().min(1).max(1_000).default(10),
      WORK_QUEUE_RETRY_DELAYS_MS: delays.default([5_000, 30_000, 120_000, 600_000]),
    },
    env,
  );
  return { url: parsed.RABBITMQ_URL, prefetch: parsed.WORK_QUEUE_PREFETCH, retryDelaysMs: parsed.WORK_QUEUE_RETRY_DELAYS_MS };
}
