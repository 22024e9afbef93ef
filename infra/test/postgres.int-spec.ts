import { Client } from 'pg';
import { SERVICE_NAMES } from '@ensemble/config';
import { platform } from './kafka-clients';

describe('each service database', () => {
  it.each(SERVICE_NAMES)('%s: answers a write and a read on its own database', async (service) => {
    const client = new Client({ connectionString: platform.databases[service] });
    await client.connect();
    try {
      await client.query('CREATE TEMPORARY TABLE round_trip (id serial PRIMARY KEY, note text NOT NULL)');
      await client.query('INSERT INTO round_trip (note) VALUES ($1)', [`written to ${service}`]);
      const { rows } = await client.query('SELECT current_database() AS database, note FROM round_trip');
      expect(rows).toEqual([{ database: new URL(platform.databases[service]).pathname.slice(1), note: `written to ${service}` }]);
    } finally {
      await client.end();
    }
  });
});
