import { gaugeIn } from './platform-status';

describe('gaugeIn', () => {
  it('reads the outbox backlog gauge from Prometheus text', () => {
    const metrics = [
      '# HELP ensemble_outbox_published_total Outbox rows published to Kafka',
      'ensemble_outbox_published_total 1200',
      '# HELP ensemble_outbox_backlog_events Outbox rows not yet published',
      '# TYPE ensemble_outbox_backlog_events gauge',
      'ensemble_outbox_backlog_events 37',
      'ensemble_outbox_oldest_pending_age_seconds 0.4',
      'ensemble_outbox_parked_events 2',
    ].join('\n');

    expect(gaugeIn(metrics, 'ensemble_outbox_backlog_events')).toBe(37);
    expect(gaugeIn(metrics, 'ensemble_outbox_parked_events')).toBe(2);
  });

  it('is null for a service that exposes no outbox', () => {
    expect(gaugeIn('process_cpu_user_seconds_total 1.5\n', 'ensemble_outbox_backlog_events')).toBeNull();
  });
});
