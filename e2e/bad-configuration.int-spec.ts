import { ServiceExited, ServiceProcess } from '@ensemble/testing';

describe('a service started with bad configuration', () => {
  it.each(['payments', 'crm'] as const)('%s stops at once with exit code 78 and a message naming each bad variable', async (service) => {
    const env = { KAFKA_BROKERS: 'localhost', CRM_DATABASE_URL: 'mysql://crm', PAYMENTS_DATABASE_URL: 'mysql://payments' };
    const ended = await ServiceProcess.start(service, { port: 3199, name: `bad-configuration-${service}`, env, ready: false }).then(
      (started) => started.kill(),
      (error: unknown) => error,
    );

    expect(ended).toBeInstanceOf(ServiceExited);
    const { exitCode, output } = ended as ServiceExited;
    expect(exitCode).toBe(78);
    expect(output).toContain('KAFKA_BROKERS: expected host:port, got "localhost"');
    expect(output).toContain(`${service.toUpperCase()}_DATABASE_URL: expected postgres://user@host:port/database`);
    expect(output).not.toMatch(/\n\s+at /); // a message, not a stack trace
  });
});
