import { parsePrometheusText } from '@ensemble/metrics';
import { readOutboxBacklog, readWorkQueue, scrapeMetrics } from './service-metrics';

/** What the notifications service's GET /metrics says, trimmed to the series read here. */
const NOTIFICATIONS = `
# HELP ensemble_outbox_backlog_events Outbox rows not yet published
# TYPE ensemble_outbox_backlog_events gauge
ensemble_outbox_backlog_events{destination="kafka"} 3
ensemble_outbox_backlog_events{destination="rabbitmq"} 4
ensemble_outbox_parked_events{destination="kafka"} 0
ensemble_outbox_parked_events{destination="rabbitmq"} 1
# TYPE ensemble_notifications_jobs_total counter
ensemble_notifications_jobs_total{outcome="done"} 42
ensemble_notifications_jobs_total{outcome="retry"} 5
ensemble_notifications_jobs_total{outcome="dead-letter"} 1
ensemble_notifications_worker_paused 1
ensemble_work_queue_messages{queue="notifications.emails",state="ready"} 7
ensemble_work_queue_messages{queue="notifications.emails",state="delayed"} 2
ensemble_work_queue_messages{queue="notifications.emails",state="dead-letter"} 1
ensemble_work_queue_messages{queue="another.queue",state="ready"} 900
`;

describe("a service's metrics, as the live view reads them", () => {
  it('sums the outbox backlog and parked rows over both destinations', () => {
    expect(readOutboxBacklog(parsePrometheusText(NOTIFICATIONS))).toEqual({ events: 7, parked: 1 });
  });

  it("reads a work queue's depth, its jobs done and whether its worker is paused, from the series of that queue and service", () => {
    expect(readWorkQueue(parsePrometheusText(NOTIFICATIONS), 'notifications', 'notifications.emails')).toEqual({ ready: 7, delayed: 2, deadLetters: 1, done: 42, paused: true });
  });

  it('counts no job done before the first, and leaves out a depth the worker could not measure', () => {
    const started = parsePrometheusText('ensemble_notifications_worker_paused 0\nensemble_outbox_backlog_events{destination="kafka"} 0\n');

    expect(readWorkQueue(started, 'notifications', 'notifications.emails')).toEqual({ ready: null, delayed: null, deadLetters: null, done: 0, paused: false });
  });

  it('has null figures for a service that does not answer', async () => {
    const metrics = await scrapeMetrics('http://127.0.0.1:1');

    expect(metrics).toBeNull();
    expect(readOutboxBacklog(metrics)).toEqual({ events: null, parked: null });
    expect(readWorkQueue(metrics, 'notifications', 'notifications.emails')).toEqual({ ready: null, delayed: null, deadLetters: null, done: null, paused: null });
  });
});
