import { Column, Entity, PrimaryColumn } from 'typeorm';
import { bigintAsNumber } from '@ensemble/database';

export type Metric = 'payments' | 'invoices_issued' | 'shipments_scheduled';

/**
 * One figure of the dashboard: how many events of a metric, and their amount, per currency ('' for
 * metrics without an amount), in one minute (by the event's own time) or in total (minute is the
 * epoch). Every figure is a sum over events, so replaying the topics rebuilds it exactly.
 */
@Entity({ name: 'dashboard_figures' })
export class DashboardFigure {
  @PrimaryColumn({ type: 'timestamptz' })
  minute: Date;

  @PrimaryColumn({ type: 'text' })
  metric: Metric;

  @PrimaryColumn({ type: 'text' })
  currency: string;

  @Column({ type: 'bigint', transformer: bigintAsNumber })
  count: number;

  @Column({ name: 'amount_minor', type: 'bigint', transformer: bigintAsNumber })
  amountMinor: number;
}

/** The `minute` of all-time totals. */
export const ALL_TIME = new Date(0);

const MINUTE_MS = 60_000;

/** The start of the minute that `time` (milliseconds since the epoch) falls in: the `minute` of its figures. */
export function minuteOf(time: number): Date {
  return new Date(Math.floor(time / MINUTE_MS) * MINUTE_MS);
}

/** The start of the minute an hour before `time`: where the summary's minute-by-minute figures begin. */
export function anHourBefore(time: Date): Date {
  return minuteOf(time.getTime() - 60 * MINUTE_MS);
}
