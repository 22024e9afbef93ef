import { EventPattern } from '@nestjs/microservices';

const PREFIX = 'rebuild:';

/**
 * Marks how a service that makes decisions (numbers an invoice, schedules a shipment) rebuilds its
 * state in a replay: from its own announcements of `eventType`, not by deciding again. The live
 * consumer never subscribes to these handlers; a replay uses only them.
 */
export const RebuildFrom = (eventType: string) => EventPattern(rebuildPattern(eventType));

export function rebuildPattern(eventType: string): string {
  return `${PREFIX}${eventType}`;
}

export function isRebuildPattern(pattern: string): boolean {
  return pattern.startsWith(PREFIX);
}

export function rebuiltEventType(pattern: string): string {
  return pattern.slice(PREFIX.length);
}
