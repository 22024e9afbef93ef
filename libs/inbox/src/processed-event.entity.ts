import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * A row of `processed_events`: the contract that makes at-least-once delivery exactly-once in
 * effect. A consumer writes it in the same transaction as the event's effect, so the row exists if
 * and only if the effect does; a redelivered event finds it and has no second effect.
 */
@Entity({ name: 'processed_events' })
export class ProcessedEvent {
  @PrimaryColumn({ name: 'event_id', type: 'uuid' })
  eventId: string;

  @Column({ type: 'text' })
  topic: string;

  @Column({ type: 'int' })
  partition: number;

  @Column({ type: 'bigint' })
  offset: string;

  /** The business fact the event stands for (e.g. `PaymentCompleted:<payment id>`), unique: see ProcessedEventFacts. */
  @Column({ type: 'text', nullable: true })
  fact: string | null;

  @Column({ name: 'content_hash', type: 'text', nullable: true })
  contentHash: string | null;

  @Column({ name: 'processed_at', type: 'timestamptz', insert: false, update: false })
  processedAt: Date;
}
