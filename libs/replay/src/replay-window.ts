import { DataSource } from 'typeorm';
import { ShadowSchema } from './shadow-schema';

/** Where a window replay starts reading: a partition and its first offset. */
export interface WindowStart {
  topic: string;
  partition: number;
  position: number;
}

/**
 * How a projection supports a replay of a window (`from`): before the replay reads from the
 * offsets for `from`, the shadow receives the live rows that events before it made, and their
 * inbox rows. A projection whose rows each fold events of any time (a customer's lifetime value)
 * has no such part and supports no window.
 */
export interface ReplayWindow {
  /** The window's actual start for a requested one, e.g. the start of its minute. */
  align(from: Date): Date;
  /**
   * Fills the shadow with what precedes the window, from one snapshot of the live tables: the rows
   * events before `from` made, and the inbox rows of the records before `starts`. The handlers then
   * count only events of the window (EventContext.windowStart).
   */
  keepBefore(dataSource: DataSource, shadow: ShadowSchema, from: Date, starts: WindowStart[]): Promise<void>;
}
