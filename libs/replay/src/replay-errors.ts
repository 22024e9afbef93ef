import { ServiceName } from '@ensemble/config';
import { DomainError } from '@ensemble/errors';

/** One rebuild per service runs at a time, across all its instances. */
export class ReplayInProgress extends DomainError {
  constructor(service: ServiceName) {
    super('conflict', 'replay_in_progress', `A rebuild of ${service} is already running; watch or cancel it first`);
  }
}

/** Replays are known to the instance that runs them, and finished ones only for a while. */
export class ReplayNotFound extends DomainError {
  constructor(service: ServiceName, id: string) {
    super('not-found', 'replay_not_found', `No replay ${id} in this ${service} instance`);
  }
}

/** A projection without a ReplayWindow folds events of any time, so it cannot be rebuilt from a point on. */
export class WindowNotSupported extends DomainError {
  constructor(service: ServiceName) {
    super('unsupported', 'window_not_supported', `${service} cannot rebuild a window alone: each of its rows folds events of any time. Replay from the beginning instead`);
  }
}

/** As many snapshots of other times are being built as may be at once. */
export class TooManySnapshots extends DomainError {
  constructor(buildsAtOnce: number) {
    super('busy', 'too_many_snapshots', `${buildsAtOnce} snapshots of other times are being built; ask again shortly, or for a time already asked about`, { retryAfterSeconds: 5 });
  }
}

/** The snapshot of a time could not be built; a later request builds it again. */
export class SnapshotFailed extends DomainError {
  constructor(to: Date, reason: string) {
    super('unavailable', 'snapshot_failed', `Could not rebuild the figures as of ${to.toISOString()}: ${reason}`, { retryAfterSeconds: 5 });
  }
}
