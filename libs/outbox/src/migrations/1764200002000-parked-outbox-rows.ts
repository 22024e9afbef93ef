import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A row the relay cannot publish (its payload no longer encodes, or the broker refuses it for good)
 * is parked: kept unpublished with when and why, so that it stops nothing but the later rows of its
 * own aggregate, until `npm run outbox -- retry <service>` releases it.
 */
export class ParkedOutboxRows1764200002000 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE outbox ADD COLUMN parked_at timestamptz, ADD COLUMN parked_reason text`);
    await queryRunner.query(`CREATE INDEX outbox_parked ON outbox (aggregate_id, sequence) WHERE parked_at IS NOT NULL`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX outbox_parked`);
    await queryRunner.query(`ALTER TABLE outbox DROP COLUMN parked_at, DROP COLUMN parked_reason`);
  }
}
