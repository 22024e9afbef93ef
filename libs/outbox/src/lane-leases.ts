import { randomInt } from 'node:crypto';
import { Client } from 'pg';
import { OUTBOX_LANES } from './outbox-contract';

/** Advisory-lock key spaces (first half of a two-int key): one for lanes, one for relay membership. */
const LANE_LOCKS = 0x0b0c_0001;
const MEMBER_LOCKS = 0x0b0c_0002;

/**
 * Which outbox lanes this relay may publish, leased as PostgreSQL session advisory locks on the
 * relay's own connection. The database is the coordinator: a relay that dies loses its connection
 * and with it every lease, and a live relay takes the lanes over on its next rebalance. Each relay
 * also holds a membership lock, so that relays can count each other and split the lanes evenly.
 */
export class LaneLeases {
  private readonly lanes = new Set<number>();

  constructor(private readonly client: Client) {}

  get held(): number[] {
    return [...this.lanes].sort((a, b) => a - b);
  }

  async join(): Promise<void> {
    await this.client.query('SELECT pg_advisory_lock($1, $2)', [MEMBER_LOCKS, randomInt(1, 2 ** 31 - 1)]);
  }

  /**
   * Gives up lanes above this relay's fair share and takes free ones up to it. Called only between
   * batches, so a lane changes hands only when everything its holder read from it is marked published.
   */
  async rebalance(): Promise<void> {
    const { rows } = await this.client.query<{ members: number }>(
      `SELECT count(*)::int AS members FROM pg_locks
        WHERE locktype = 'advisory' AND granted AND objsubid = 2 AND classid::bigint = $1
          AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
      [MEMBER_LOCKS],
    );
    const share = Math.ceil(OUTBOX_LANES / Math.max(1, rows[0].members));
    for (const lane of this.held.slice(share)) {
      await this.client.query('SELECT pg_advisory_unlock($1, $2)', [LANE_LOCKS, lane]);
      this.lanes.delete(lane);
    }
    for (let lane = 0; lane < OUTBOX_LANES && this.lanes.size < share; lane++) {
      if (this.lanes.has(lane)) continue;
      const { rows: taken } = await this.client.query<{ locked: boolean }>(
        'SELECT pg_try_advisory_lock($1, $2) AS locked',
        [LANE_LOCKS, lane],
      );
      if (taken[0].locked) this.lanes.add(lane);
    }
  }
}
