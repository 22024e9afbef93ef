import { z } from 'zod';
import { parseEnvironment } from './environment';

/** The connection pool of a service's database (`DATABASE_*`). */
export interface DatabaseSettings {
  poolSize: number;
  /** A transaction that waits longer for a lock fails (and a consumer retries it) instead of stalling a partition or a request. */
  lockTimeoutMs: number;
}

export function loadDatabaseSettings(env: Record<string, string | undefined> = process.env): DatabaseSettings {
  const parsed = parseEnvironment(
    {
      // Five services share one server (max_connections is 100 by default) with relays, the registry and tools.
      DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(100).default(10),
      DATABASE_LOCK_TIMEOUT_MS: z.coerce.number().int().min(100).default(5_000),
    },
    env,
  );
  return { poolSize: parsed.DATABASE_POOL_SIZE, lockTimeoutMs: parsed.DATABASE_LOCK_TIMEOUT_MS };
}
