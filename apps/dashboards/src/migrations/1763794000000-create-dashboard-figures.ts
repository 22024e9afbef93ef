import { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateDashboardFigures1763794000000 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE dashboard_figures (
        minute timestamptz NOT NULL,
        metric text NOT NULL,
        currency text NOT NULL,
        count bigint NOT NULL,
        amount_minor bigint NOT NULL,
        PRIMARY KEY (minute, metric, currency)
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE dashboard_figures`);
  }
}
