import { randomInt } from 'node:crypto';
import { Client } from 'pg';
import { AdvisoryLease, SessionQuery } from '@ensemble/database';
import { OUTBOX_LANES } from './outbox-contract';
import { OutboxDestinationName } from './outbox-destination';

/**
 * Advisory-lock key spaces (first half of a two-int key) of each destination's relays: one for
 * lanes, one for relay membership. Kafka's are those relays have always taken.
 */
const LOCK_SPACES: Record<OutboxDestinationName, { lanes: number; members: number }> = {
  kafka: { lanes: 0x0b0c_0001, members: 0x0b0c_0002 },
  rabbitmq: { lanes: 0x0b0c_0011, members: 0x0b0c_0012 },
};

/**
 * Which outbox lanes this relay may publish, leased as PostgreSQL session advisory locks on the
 * relay's own connection. The database is the coordinator: a relay that dies loses its connection
 * and with it every lease, and a live relay takes the lanes over on its next rebalance. Each relay
 * also holds a membership lock, so that relays can count each other and split the lanes evenly.
 */
export class LaneLeases {
  private readonly lanes = new Set<number>();
  private readonly query: SessionQuery;
  private readonly spaces: { lanes: number; members: number };

  constructor(client: Client, destination: OutboxDestinationName) {
    this.query = async (sql, parameters) => (await client.query(sql, parameters)).rows;
    this.spaces = LOCK_SPACES[destination];
  }

  get held(): number[] {
    return [...this.lanes].sort((a, b) => a - b);
  }

  async join(): Promise<void> {
    await new AdvisoryLease(this.query, [this.spaces.members, randomInt(1, 2 ** 31 - 1)]).take();
  }

  /**
   * Gives up lanes above this relay's fair share and takes free ones up to it. Called only between
   * batches, so a lane changes hands only when everything its holder read from it is marked published.
   */
  async rebalance(): Promise<void> {
    const members = await AdvisoryLease.countHolders(this.query, this.spaces.members);
    const share = Math.ceil(OUTBOX_LANES / Math.max(1, members));
    for (const lane of this.held.slice(share)) {
      await this.laneLease(lane).release();
      this.lanes.delete(lane);
    }
    for (let lane = 0; lane < OUTBOX_LANES && this.lanes.size < share; lane++) {
      if (this.lanes.has(lane)) continue;
      if (await this.laneLease(lane).tryTake()) this.lanes.add(lane);
    }
  }

  private laneLease(lane: number): AdvisoryLease {
    return new AdvisoryLease(this.query, [this.spaces.lanes, lane]);
  }
}
