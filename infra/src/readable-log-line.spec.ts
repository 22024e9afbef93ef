import { readableLogLine } from './readable-log-line';

const withoutColours = (text: string) => text.replace(/\x1b\[[0-9;]*m/g, '');

describe('readableLogLine', () => {
  it('shows a JSON line as its local time, level, context, message and other fields, on one line', () => {
    const time = '2026-11-21T12:34:56.789Z';
    const line = JSON.stringify({
      level: 'warn',
      time,
      service: 'crm',
      pid: 4242,
      context: 'event-consumer',
      trace_id: '4bf92f3577b34da6a3ce929d0e0e4736',
      span_id: '00f067aa0ba902b7',
      eventId: '7d1f3c52-5a0e-4d8e-9a47-2b1f0c9e6a11',
      topic: 'payments.payment-completed',
      partition: 2,
      offset: '41',
      msg: 'rerouted to crm.retry-1 (handler-failed): lock timeout',
    });
    const local = new Date(time);
    const clock = [local.getHours(), local.getMinutes(), local.getSeconds()].map((part) => String(part).padStart(2, '0')).join(':');

    expect(withoutColours(readableLogLine(line))).toBe(
      `[${clock}.789] WARN: [event-consumer] rerouted to crm.retry-1 (handler-failed): lock timeout ` +
        '{"eventId":"7d1f3c52-5a0e-4d8e-9a47-2b1f0c9e6a11","topic":"payments.payment-completed","partition":2,"offset":"41"}',
    );
  });

  it('puts an error\'s stack on the lines below', () => {
    const line = JSON.stringify({ level: 'error', time: '2026-11-21T12:34:56.789Z', context: 'payments', err: { type: 'Error', message: 'listen EADDRINUSE', stack: 'Error: listen EADDRINUSE\n    at listen (node:net)' }, msg: 'failed to start' });
    const [first, ...rest] = withoutColours(readableLogLine(line)).split('\n');

    expect(first).toMatch(/ERROR: \[payments\] failed to start$/);
    expect(rest.join('\n')).toContain('at listen (node:net)');
  });

  it('leaves a line that is not one of pino\'s as it is', () => {
    for (const line of ['node:internal/process/promises:288', '    at Object.<anonymous> (/main.js:1:1)', '{"not":"a log line"}', '{ broken']) {
      expect(readableLogLine(line)).toBe(line);
    }
  });
});
