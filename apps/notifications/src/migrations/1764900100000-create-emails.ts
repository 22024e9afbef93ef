import { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateEmails1764900100000 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE emails (
        id uuid PRIMARY KEY,
        message_id text NOT NULL UNIQUE,
        kind text NOT NULL,
        payment_id uuid NOT NULL,
        cause_event_id uuid NOT NULL UNIQUE,
        recipient text,
        subject text NOT NULL,
        status text NOT NULL,
        attempts int NOT NULL,
        queued_at timestamptz NOT NULL,
        sent_at timestamptz,
        failure text
      )`);
    await queryRunner.query(`CREATE INDEX emails_by_payment ON emails (payment_id, queued_at)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE emails`);
  }
}
