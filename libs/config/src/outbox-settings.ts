import { z } from 'zod';
import { parseEnvironment } from './environment';

/** How a producing service relays its outbox (`OUTBOX_*`); a setting left unset keeps the relay's default. */
export interface OutboxSettings {
  /** OUTBOX_RELAY=off runs a service without its relay (e.g. when relays run elsewhere). */
  relay: boolean;
  batchSize?: number;
  pollIntervalMs?: number;
  retentionMs?: number;
}

export function loadOutboxSettings(env: Record<string, string | undefined> = process.env): OutboxSettings {
  const parsed = parseEnvironment(
    {
      OUTBOX_RELAY: z.enum(['on', 'off']).default('on'),
      OUTBOX_BATCH_SIZE: z.coerce.number().int().min(1).max(10_000).optional(),
      OUTBOX_POLL_INTERVAL_MS: z.coerce.number().int().min(10).optional(),
      OUTBOX_RETENTION_HOURS: z.coerce.number().min(0).optional(),
    },
    env,
  );
  return {
    relay: parsed.OUTBOX_RELAY === 'on',
    batchSize: parsed.OUTBOX_BATCH_SIZE,
    pollIntervalMs: parsed.OUTBOX_POLL_INTERVAL_MS,
    retentionMs: parsed.OUTBOX_RETENTION_HOURS === undefined ? undefined : parsed.OUTBOX_RETENTION_HOURS * 3_600_000,
  };
}
