import { DataSource } from 'typeorm';
import { quoteIdentifier } from '@ensemble/database';
import { ReplayWindow, ShadowSchema, WindowStart } from '@ensemble/replay';
import { minuteOf } from './dashboard-figure.entity';

/**
 * The dashboards rebuild a window minute by minute: each minute's figures are sums over the events
 * of that minute, so the minutes before the window are kept as they are, the all-time totals are
 * summed again from them, and the replay adds the window's events.
 */
export class FiguresWindow implements ReplayWindow {
  align(from: Date): Date {
    return minuteOf(from.getTime());
  }

  async keepBefore(dataSource: DataSource, shadow: ShadowSchema, from: Date, starts: WindowStart[]): Promise<void> {
    const target = quoteIdentifier(shadow.name);
    // One snapshot of the live tables: a live transaction is either wholly in the copy or not at all.
    await dataSource.transaction('REPEATABLE READ', async (manager) => {
      await manager.query(
        `INSERT INTO ${target}.dashboard_figures SELECT * FROM public.dashboard_figures WHERE minute > to_timestamp(0) AND minute < $1`,
        [from],
      );
      await manager.query(
        `INSERT INTO ${target}.dashboard_figures (minute, metric, currency, count, amount_minor)
         SELECT to_timestamp(0), metric, currency, sum(count), sum(amount_minor) FROM ${target}.dashboard_figures GROUP BY metric, currency`,
      );
      await manager.query(
        `INSERT INTO ${target}.processed_events
         SELECT processed.* FROM public.processed_events processed
           JOIN unnest($1::text[], $2::int[], $3::bigint[]) AS start(topic, partition, position)
             ON processed.topic = start.topic AND processed.partition = start.partition AND processed."offset" < start.position`,
        [starts.map((start) => start.topic), starts.map((start) => start.partition), starts.map((start) => start.position)],
      );
    });
  }
}
