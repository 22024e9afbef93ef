import { z } from 'zod';
import { parseEnvironment, port } from './environment';

/** A service's HTTP API (`HTTP_*`) and its admin API's token (`ADMIN_TOKEN`). */
export interface HttpSettings {
  host: string;
  /** Unset: the service's own port in DEFAULT_HTTP_PORTS. */
  port?: number;
  /** A request whose body has not arrived by then is answered 408. */
  requestTimeoutMs: number;
  /** Without it the admin API is off. */
  adminToken?: string;
}

export function loadHttpSettings(env: Record<string, string | undefined> = process.env): HttpSettings {
  const parsed = parseEnvironment(
    {
      HTTP_HOST: z.string().default('127.0.0.1'),
      HTTP_PORT: port.optional(),
      HTTP_REQUEST_TIMEOUT_MS: z.coerce.number().int().min(500).max(300_000).default(10_000),
      ADMIN_TOKEN: z.string().min(16, 'use at least 16 characters').optional(),
    },
    env,
  );
  return { host: parsed.HTTP_HOST, port: parsed.HTTP_PORT, requestTimeoutMs: parsed.HTTP_REQUEST_TIMEOUT_MS, adminToken: parsed.ADMIN_TOKEN };
}
