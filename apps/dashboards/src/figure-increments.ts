import { EntityManager } from 'typeorm';
import { preparedQuery } from '@ensemble/database';
import { TransactionBuffer } from '@ensemble/event-consumer';
import { ALL_TIME, Metric, minuteOf } from './dashboard-figure.entity';

/** A transaction's additions to the dashboard figures: each event counts into its minute and into the all-time totals. */
export class FigureIncrements implements TransactionBuffer {
  private readonly increments = new Map<string, { minute: number; metric: Metric; currency: string; count: number; amountMinor: number }>();

  /** `windowStart`: in a window replay, events before it are already counted in the copied minutes. */
  constructor(private readonly windowStart?: Date) {}

  add(metric: Metric, currency: string, amountMinor: number, at: number): void {
    if (this.windowStart && at < this.windowStart.getTime()) return;
    for (const minute of [ALL_TIME.getTime(), minuteOf(at).getTime()]) {
      const key = `${minute}|${metric}|${currency}`;
      const increment = this.increments.get(key) ?? { minute, metric, currency, count: 0, amountMinor: 0 };
      increment.count += 1;
      increment.amountMinor += amountMinor;
      this.increments.set(key, increment);
    }
  }

  /** One upsert, rows in key order: concurrent transactions lock shared rows in the same order. */
  async flush(manager: EntityManager): Promise<void> {
    const rows = [...this.increments.values()].sort(
      (a, b) => a.minute - b.minute || a.metric.localeCompare(b.metric) || a.currency.localeCompare(b.currency),
    );
    if (rows.length === 0) return;
    await preparedQuery(
      manager,
      'dashboards-add-figures',
      `INSERT INTO dashboard_figures AS figure (minute, metric, currency, count, amount_minor)
       SELECT to_timestamp(minute / 1000.0), metric, currency, count, amount_minor
         FROM unnest($1::bigint[], $2::text[], $3::text[], $4::bigint[], $5::bigint[]) AS t(minute, metric, currency, count, amount_minor)
       ON CONFLICT (minute, metric, currency) DO UPDATE SET
         count = figure.count + EXCLUDED.count, amount_minor = figure.amount_minor + EXCLUDED.amount_minor`,
      [rows.map((row) => row.minute), rows.map((row) => row.metric), rows.map((row) => row.currency), rows.map((row) => row.count), rows.map((row) => row.amountMinor)],
    );
  }
}
