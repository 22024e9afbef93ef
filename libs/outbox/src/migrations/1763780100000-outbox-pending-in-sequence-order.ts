import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The relay reads pending rows in sequence order; an index in that order lets it stop at its batch
 * size, walking past the entries of rows already published (which stay in the index until a vacuum)
 * and marking them dead as it goes, so that the next read skips them. On (lane, sequence), every read
 * collected all pending and published-but-not-vacuumed entries of its lanes and sorted them, so that
 * a read cost grew with the rows published since the last vacuum.
 */
export class OutboxPendingInSequenceOrder1763780100000 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX outbox_pending`);
    await queryRunner.query(`CREATE INDEX outbox_pending ON outbox (sequence) WHERE published_at IS NULL`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX outbox_pending`);
    await queryRunner.query(`CREATE INDEX outbox_pending ON outbox (lane, sequence) WHERE published_at IS NULL`);
  }
}
