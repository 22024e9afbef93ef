import { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateCustomerProfiles1763793000000 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE customer_profiles (
        customer_id text PRIMARY KEY,
        email text NOT NULL,
        payment_count int NOT NULL,
        first_payment_at timestamptz NOT NULL,
        last_payment_at timestamptz NOT NULL
      )`);
    await queryRunner.query(`
      CREATE TABLE customer_lifetime_values (
        customer_id text NOT NULL REFERENCES customer_profiles (customer_id),
        currency char(3) NOT NULL,
        amount_minor bigint NOT NULL,
        PRIMARY KEY (customer_id, currency)
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE customer_lifetime_values`);
    await queryRunner.query(`DROP TABLE customer_profiles`);
  }
}
