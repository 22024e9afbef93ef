import { z } from 'zod';

/** A time in the past, as ISO 8601: where a replay starts or stops, or the time a point-in-time read asks about. */
export const pastInstant = (name: string) =>
  z.iso
    .datetime({ offset: true, message: `${name} must be an ISO 8601 time, e.g. 2026-11-22T12:00:00Z` })
    .transform((value) => new Date(value))
    .refine((time) => time.getTime() >= 0, `${name} is before 1970-01-01, earlier than any time Kafka can hold`)
    .refine((time) => time.getTime() <= Date.now(), `${name} is in the future`);

/** `POST /admin/replay`: no body (or `{}`) rebuilds from the beginning; `from` rebuilds a window; `to` builds a snapshot. */
export const replayRequest = z
  .strictObject({ from: pastInstant('from').optional(), to: pastInstant('to').optional() })
  .refine(({ from, to }) => !from || !to || from < to, { message: 'from must be before to', path: ['to'] });

export type ReplayRequestBody = z.infer<typeof replayRequest>;
