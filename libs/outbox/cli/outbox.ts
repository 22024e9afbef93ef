/**
 * npm run outbox -- list <service>    the service's parked outbox rows: events it could not publish, and why
 * npm run outbox -- retry <service>   releases them for the relay to try again, once the cause is fixed
 */
import { Client } from 'pg';
import { loadPlatformConfig, parseCommandLine, PRODUCING_SERVICES } from '@ensemble/config';
import { OUTBOX_CHANNEL } from '../src/outbox-contract';

async function main(): Promise<void> {
  const { command, service } = parseCommandLine({
    command: 'outbox',
    usage: `usage: npm run outbox -- list|retry <service>   (service: ${PRODUCING_SERVICES.join(', ')})`,
    positionals: { command: ['list', 'retry'], service: PRODUCING_SERVICES },
  }).positionals;
  const db = new Client({ connectionString: loadPlatformConfig().databases[service] });
  await db.connect();
  try {
    if (command === 'retry') {
      // Released rows are read again in sequence order, before the later rows of their aggregates; one still unpublishable is parked again.
      const { rowCount } = await db.query('UPDATE outbox SET parked_at = NULL, parked_reason = NULL WHERE parked_at IS NOT NULL AND published_at IS NULL');
      await db.query(`NOTIFY ${OUTBOX_CHANNEL}`);
      console.log(`${service}: released ${rowCount ?? 0} parked row(s) for the relay`);
      return;
    }
    const { rows } = await db.query(
      `SELECT id, aggregate_id, event_type, parked_at, parked_reason FROM outbox WHERE parked_at IS NOT NULL AND published_at IS NULL ORDER BY sequence`,
    );
    for (const row of rows) console.log(`${row.id}  ${row.event_type} of ${row.aggregate_id}  parked at ${row.parked_at.toISOString()}: ${row.parked_reason}`);
    console.log(`${service}: ${rows.length} parked row(s)`);
  } finally {
    await db.end();
  }
}

main().catch((error: unknown) => {
  console.error(`outbox: ${(error as Error).message}`);
  process.exitCode = 1;
});
