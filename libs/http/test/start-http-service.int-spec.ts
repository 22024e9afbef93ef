import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..', '..');

describe('a service started with bad configuration', () => {
  it.each(['payments', 'crm'])('%s stops at once with exit code 78 and a message naming each bad variable', (service) => {
    const started = spawnSync(process.execPath, [join(ROOT, 'dist', 'apps', service, 'src', 'main.js')], {
      env: { ...process.env, NO_COLOR: '1', HTTP_PORT: '3199', KAFKA_BROKERS: 'localhost', CRM_DATABASE_URL: 'mysql://crm', PAYMENTS_DATABASE_URL: 'mysql://payments' },
      encoding: 'utf8',
      timeout: 30_000,
    });
    const output = started.stdout + started.stderr;

    expect(started.status).toBe(78);
    expect(output).toContain('KAFKA_BROKERS: expected host:port, got "localhost"');
    expect(output).toContain(`${service.toUpperCase()}_DATABASE_URL: expected postgres://user@host:port/database`);
    expect(output).not.toMatch(/\n\s+at /); // a message, not a stack trace
  });
});
