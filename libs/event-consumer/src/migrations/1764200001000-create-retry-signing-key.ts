import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The key a consuming service signs its retry records with (see RetrySigner): one per service,
 * made on first use and kept in its own database, so that every instance and every restart agree
 * while someone who can only write to Kafka cannot forge a retry.
 */
export class CreateRetrySigningKey1764200001000 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE retry_signing_key (id int PRIMARY KEY CHECK (id = 1), key bytea NOT NULL)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE retry_signing_key`);
  }
}
