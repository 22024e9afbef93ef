import { randomBytes } from 'node:crypto';

const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;

/**
 * A W3C `traceparent` for work done on behalf of `incoming`: the same trace with a new span id, or a
 * new sampled trace when there is no valid incoming one.
 */
export function childTraceparent(incoming?: string): string {
  const parent = incoming ? TRACEPARENT.exec(incoming.trim().toLowerCase()) : null;
  const traceId = parent && !/^0+$/.test(parent[1]) ? parent[1] : randomBytes(16).toString('hex');
  const flags = parent ? parent[3] : '01';
  return `00-${traceId}-${randomBytes(8).toString('hex')}-${flags}`;
}
