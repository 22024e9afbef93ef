import { MigrationInterface, QueryRunner } from 'typeorm';
import { OUTBOX_CHANNEL, OUTBOX_LANES } from '../outbox-contract';

/** The outbox table (see OutboxEvent), its indexes, and the trigger that wakes relays on commit. */
export class CreateOutbox1763780000000 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE outbox (
        id uuid PRIMARY KEY,
        sequence bigserial NOT NULL,
        aggregate_type text NOT NULL,
        aggregate_id text NOT NULL,
        event_type text NOT NULL,
        topic text NOT NULL,
        payload jsonb NOT NULL,
        headers jsonb NOT NULL DEFAULT '{}',
        lane smallint NOT NULL GENERATED ALWAYS AS ((hashtext(aggregate_id) & ${OUTBOX_LANES - 1})::smallint) STORED,
        created_at timestamptz NOT NULL DEFAULT now(),
        published_at timestamptz
      )`);
    await queryRunner.query(`CREATE INDEX outbox_pending ON outbox (lane, sequence) WHERE published_at IS NULL`);
    await queryRunner.query(`CREATE INDEX outbox_published ON outbox (published_at) WHERE published_at IS NOT NULL`);
    // A NOTIFY inside a transaction is delivered when it commits: relays wake as soon as rows are visible.
    await queryRunner.query(`
      CREATE FUNCTION outbox_notify() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM pg_notify('${OUTBOX_CHANNEL}', '');
        RETURN NULL;
      END $$`);
    await queryRunner.query(
      `CREATE TRIGGER outbox_inserted AFTER INSERT ON outbox FOR EACH STATEMENT EXECUTE FUNCTION outbox_notify()`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE outbox`);
    await queryRunner.query(`DROP FUNCTION outbox_notify()`);
  }
}
