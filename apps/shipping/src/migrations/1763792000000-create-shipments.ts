import { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateShipments1763792000000 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE shipments (
        id uuid PRIMARY KEY,
        payment_id uuid NOT NULL UNIQUE,
        items jsonb NOT NULL,
        address jsonb NOT NULL,
        scheduled_for timestamptz NOT NULL,
        status text NOT NULL
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE shipments`);
  }
}
