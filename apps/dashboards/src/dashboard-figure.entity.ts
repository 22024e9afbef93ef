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
