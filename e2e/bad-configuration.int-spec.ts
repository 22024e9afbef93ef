import { parseLogLines, ServiceExited, ServiceProcess } from '@ensemble/testing';

describe('a service started with bad configuration', () => {
  it.each(['payments', 'crm'] as const)('%s stops at once with exit code 78 and one log line naming each bad variable', async (service) => {
    const env = { KAFKA_BROKERS: 'localhost', CRM_DATABASE_URL: 'mysql://crm', PAYMENTS_DATABASE_URL: 'mysql://payments' };
    const ended = await ServiceProcess.start(service, { port: 3199, name: `bad-configuration-${service}`, env, ready: false }).then(
      (started) => started.kill(),
      (error: unknown) => error,
    );

    expect(ended).toBeInstanceOf(ServiceExited);
    const { exitCode, output } = ended as ServiceExited;
    expect(exitCode).toBe(78);
    const lines = parseLogLines(output);
    expect(lines).toEqual([expect.objectContaining({ level: 'error', service })]);
    expect(lines[0].msg).toContain('KAFKA_BROKERS: expected host:port, got "localhost"');
    expect(lines[0].msg).toContain(`${service.toUpperCase()}_DATABASE_URL: expected postgres://user@host:port/database`);
    expect(lines[0].msg).not.toMatch(/\n\s+at /); // a message, not a stack trace
  });
});
