const DAY_MS = 86_400_000;

/**
 * When a parcel for a payment completed at `completedAt` leaves the warehouse: 09:00 UTC on the next
 * weekday. Derived from the event alone, so a replay schedules the same time.
 */
export function dispatchTime(completedAt: number): number {
  let day = Math.floor(completedAt / DAY_MS) * DAY_MS + DAY_MS;
  while ([0, 6].includes(new Date(day).getUTCDay())) day += DAY_MS;
  return day + 9 * 3_600_000;
}
