/** The channel on which the outbox trigger announces committed rows. */
export const OUTBOX_CHANNEL = 'outbox_inserted';

/**
 * Rows are spread over this many lanes by a hash of their aggregate id. A relay publishes a lane
 * only while it holds that lane's lease, so one aggregate's events are published by one relay at a
 * time and in order; up to this many relays can share the work. A power of two (the hash is masked).
 */
export const OUTBOX_LANES = 16;
