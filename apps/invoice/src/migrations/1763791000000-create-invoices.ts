import { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateInvoices1763791000000 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE invoices (
        id uuid PRIMARY KEY,
        number text NOT NULL UNIQUE,
        payment_id uuid NOT NULL UNIQUE,
        customer_id text NOT NULL,
        lines jsonb NOT NULL,
        total_minor bigint NOT NULL,
        currency char(3) NOT NULL,
        issued_at timestamptz NOT NULL
      )`);
    // The last number issued per year; incremented in the invoice's own transaction, so a rolled-back
    // invoice gives its number back and the sequence has no gaps.
    await queryRunner.query(`CREATE TABLE invoice_number_sequences (year int PRIMARY KEY, last_number int NOT NULL)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE invoice_number_sequences`);
    await queryRunner.query(`DROP TABLE invoices`);
  }
}
