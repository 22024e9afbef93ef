import { MigrationInterface, QueryRunner } from 'typeorm';

export class CreatePayments1763790000000 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE payments (
        id uuid PRIMARY KEY,
        customer_id text NOT NULL,
        customer_email text NOT NULL,
        amount_minor bigint NOT NULL CHECK (amount_minor > 0),
        currency char(3) NOT NULL,
        items jsonb NOT NULL,
        shipping_address jsonb NOT NULL,
        completed_at timestamptz NOT NULL,
        correlation_id text NOT NULL
      )`);
    await queryRunner.query(`CREATE INDEX payments_customer ON payments (customer_id)`);
    await queryRunner.query(`
      CREATE TABLE idempotency_keys (
        key text PRIMARY KEY,
        request_fingerprint text NOT NULL,
        payment_id uuid NOT NULL REFERENCES payments (id) DEFERRABLE INITIALLY DEFERRED,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE idempotency_keys`);
    await queryRunner.query(`DROP TABLE payments`);
  }
}
