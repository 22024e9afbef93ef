import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { FAILURE_HEADERS } from './failure-topics';

/** Runs a statement on the service's database: a TypeORM DataSource's `query`, or a pg client's rows. */
export type QueryRows = (sql: string, parameters: unknown[]) => Promise<Array<Record<string, unknown>>>;

/**
 * What a rerouted record's signature covers: the topic it is written to, where it came from, why,
 * how often it was tried, when it is due, and its bytes.
 */
export interface SignedRetry {
  topic: string;
  headers: Record<string, string>;
  key: Buffer | null;
  value: Buffer | null;
}

const SIGNED_HEADERS = [
  FAILURE_HEADERS.originalTopic,
  FAILURE_HEADERS.originalPartition,
  FAILURE_HEADERS.originalOffset,
  FAILURE_HEADERS.reason,
  FAILURE_HEADERS.attempts,
  FAILURE_HEADERS.retryAt,
];

/**
 * Signs the records a service reroutes to its retry and dead-letter topics, and checks the
 * signature of those it reads back (retries) or redrives (dead letters). Bounds on the failure
 * headers keep a forged retry from freezing anything; the signature keeps one from being applied at
 * all, since an event that is not on its event topic would have an effect that no rebuild could
 * ever reproduce, and keeps a signed record from being copied to another topic (a later round's
 * delay on an earlier round's topic).
 */
export class RetrySigner {
  private constructor(private readonly secret: Buffer) {}

  /** The service's key, made on first use by whichever instance comes first. */
  static async load(query: QueryRows): Promise<RetrySigner> {
    await query('INSERT INTO retry_signing_key (id, key) VALUES (1, $1) ON CONFLICT (id) DO NOTHING', [randomBytes(32)]);
    const [row] = await query('SELECT key FROM retry_signing_key WHERE id = 1', []);
    return new RetrySigner(row.key as Buffer);
  }

  sign(retry: SignedRetry): string {
    return this.digest(retry).toString('base64url');
  }

  verify(retry: SignedRetry): boolean {
    const given = Buffer.from(retry.headers[FAILURE_HEADERS.signature] ?? '', 'base64url');
    const expected = this.digest(retry);
    return given.length === expected.length && timingSafeEqual(given, expected);
  }

  private digest({ topic, headers, key, value }: SignedRetry): Buffer {
    const hmac = createHmac('sha256', this.secret);
    hmac.update(`${topic}\n`);
    for (const name of SIGNED_HEADERS) hmac.update(`${headers[name] ?? ''}\n`);
    hmac.update(createHash('sha256').update(key ?? '').digest());
    hmac.update(createHash('sha256').update(value ?? '').digest());
    return hmac.digest();
  }
}
