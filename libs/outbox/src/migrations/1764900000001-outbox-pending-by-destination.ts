import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Each destination's relays read only their rows, in sequence order: indexed by destination first,
 * a relay's read does not walk past the other destination's pending rows (events piling up while
 * Kafka is down, say, while jobs still flow).
 */
export class OutboxPendingByDestination1764900000001 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX outbox_pending`);
    await queryRunner.query(`CREATE INDEX outbox_pending ON outbox (destination, sequence) WHERE published_at IS NULL`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX outbox_pending`);
    await queryRunner.query(`CREATE INDEX outbox_pending ON outbox (sequence) WHERE published_at IS NULL`);
  }
}
