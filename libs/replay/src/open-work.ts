import { EntityManager } from 'typeorm';

/**
 * What a rebuild from a service's own announcements cannot restore: work the service has taken on
 * and not announced yet (an email queued and not sent, or one that never will be). At the swap, in
 * its transaction, with the live tables locked, the projection copies those rows into the shadow
 * (`shadowSchema`), with the inbox rows of the events that set them off: the live consumer has
 * committed past those events and would not apply them again.
 */
export interface OpenWork {
  carryOver(manager: EntityManager, shadowSchema: string): Promise<void>;
}
