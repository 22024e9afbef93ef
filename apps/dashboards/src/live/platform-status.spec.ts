import { outboxBacklogIn } from './platform-status';

describe('outboxBacklogIn', () => {
  it('reads the outbox backlog gauge from Prometheus text', () => {
    const metrics = [
      '# HELP ensemble_outbox_published_total Outbox rows published to Kafka',
      'ensemble_outbox_published_total 1200',
      '# HELP ensemble_outbox_backlog_events Outbox rows not yet published',
      '# TYPE ensemble_outbox_backlog_events gauge',
      'ensemble_outbox_backlog_events 37',
      'ensemble_outbox_oldest_pending_age_seconds 0.4',
    ].join('\n');

    expect(outboxBacklogIn(metrics)).toBe(37);
  });

  it('is null for a service that exposes no outbox', () => {
    expect(outboxBacklogIn('process_cpu_user_seconds_total 1.5\n')).toBeNull();
  });
});
