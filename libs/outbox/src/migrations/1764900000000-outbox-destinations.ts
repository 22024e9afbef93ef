import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Rows name their broker (see OUTBOX_DESTINATIONS): Kafka for events, as every row before, or a
 * work queue for jobs. Each destination's relays read only its rows.
 */
export class OutboxDestinations1764900000000 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE outbox ADD COLUMN destination text NOT NULL DEFAULT 'kafka' CHECK (destination IN ('kafka', 'rabbitmq'))`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE outbox DROP COLUMN destination`);
  }
}
