import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The business fact each processed event stands for, and a hash of its content: a second event for
 * a fact already applied (the same payment announced under another event id) has no effect, and
 * one whose content differs from what was applied is told apart from a harmless repeat. Rows from
 * before have no fact; a rebuild from announcements records none either.
 */
export class ProcessedEventFacts1764200000000 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE processed_events ADD COLUMN fact text, ADD COLUMN content_hash text`);
    await queryRunner.query(`CREATE UNIQUE INDEX processed_events_fact ON processed_events (fact)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX processed_events_fact`);
    await queryRunner.query(`ALTER TABLE processed_events DROP COLUMN fact, DROP COLUMN content_hash`);
  }
}
