import { OutboxDestinationName } from './outbox-destination';

export interface OutboxBacklog {
  /** Rows not yet published. */
  pending: number;
  /** Age of the oldest unpublished row in seconds; 0 when there is none. */
  oldestPendingSeconds: number;
  /** Rows set aside because they cannot be published, counted in `pending` too. */
  parked: number;
}

/** A TypeORM DataSource or EntityManager (rows as an array), or a pg Client or Pool (rows in `.rows`). */
type Queryable = { query(sql: string, parameters?: unknown[]): Promise<unknown> };

/** How far behind the relays are, those of one destination or all; exposed as metrics. */
export async function measureOutboxBacklog(db: Queryable, destination?: OutboxDestinationName): Promise<OutboxBacklog> {
  const result = await db.query(
    `SELECT count(*)::int AS pending,
            coalesce(extract(epoch FROM now() - min(created_at)), 0)::float AS oldest,
            count(*) FILTER (WHERE parked_at IS NOT NULL)::int AS parked
       FROM outbox WHERE published_at IS NULL AND ($1::text IS NULL OR destination = $1)`,
    [destination ?? null],
  );
  const [row] = (Array.isArray(result) ? result : (result as { rows: unknown[] }).rows) as Array<{ pending: number; oldest: number; parked: number }>;
  return { pending: row.pending, oldestPendingSeconds: row.oldest, parked: row.parked };
}
