import { CreateOutbox1763780000000 } from './1763780000000-create-outbox';
import { OutboxPendingInSequenceOrder1763780100000 } from './1763780100000-outbox-pending-in-sequence-order';
import { ParkedOutboxRows1764200002000 } from './1764200002000-parked-outbox-rows';
import { OutboxDestinations1764900000000 } from './1764900000000-outbox-destinations';
import { OutboxPendingByDestination1764900000001 } from './1764900000001-outbox-pending-by-destination';

/** The outbox's migrations, in order, for the migrations list of each producing service. */
export const OUTBOX_MIGRATIONS = [CreateOutbox1763780000000, OutboxPendingInSequenceOrder1763780100000, ParkedOutboxRows1764200002000, OutboxDestinations1764900000000, OutboxPendingByDestination1764900000001];
