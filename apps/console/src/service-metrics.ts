import { ServiceName } from '@ensemble/config';
import { MetricSample, parsePrometheusText } from '@ensemble/metrics';

/** Under the sampling interval: a service that hangs leaves its figures out of one sample rather than holding up the next. */
const SCRAPE_TIMEOUT_MS = 800;

/** A service's outbox: rows not yet published, and of those the parked ones (which cannot be published). */
export interface OutboxBacklogReading {
  events: number | null;
  parked: number | null;
}

/** A service's work queue as its worker's metrics tell it. */
export interface WorkQueueReading {
  /** Jobs waiting for a worker, waiting out a retry delay, and dead-lettered; null when the worker could not measure its queue. */
  ready: number | null;
  delayed: number | null;
  deadLetters: number | null;
  /** Jobs done since the service started (a counter). */
  done: number | null;
  /** Whether the worker waits out an outage (the mail server or the database down) instead of taking jobs. */
  paused: boolean | null;
}

/** The samples of a service's GET /metrics; null when it does not answer, or not in time. */
export async function scrapeMetrics(serviceUrl: string): Promise<MetricSample[] | null> {
  try {
    const response = await fetch(`${serviceUrl}/metrics`, { signal: AbortSignal.timeout(SCRAPE_TIMEOUT_MS) });
    return response.ok ? parsePrometheusText(await response.text()) : null;
  } catch {
    return null;
  }
}

/** The outbox backlog and parked rows in a scrape, summed over the outbox's destinations (Kafka, and a work queue in a service that has one). */
export function readOutboxBacklog(metrics: MetricSample[] | null): OutboxBacklogReading {
  return { events: total(metrics, 'ensemble_outbox_backlog_events'), parked: total(metrics, 'ensemble_outbox_parked_events') };
}

/**
 * Work queue `queue` in `service`'s scrape: its depth (`ensemble_work_queue_messages`, which the
 * worker leaves out when the broker does not answer it), the jobs done and whether the worker is
 * paused, which the worker names after its service (`ensemble_notifications_jobs_total`,
 * `ensemble_notifications_worker_paused`). Everything null when the service did not answer.
 */
export function readWorkQueue(metrics: MetricSample[] | null, service: ServiceName, queue: string): WorkQueueReading {
  const depth = (state: string) => total(metrics, 'ensemble_work_queue_messages', { queue, state });
  const paused = total(metrics, `ensemble_${service}_worker_paused`);
  return {
    ready: depth('ready'),
    delayed: depth('delayed'),
    deadLetters: depth('dead-letter'),
    // A counter with labels has no series until its first job: a service that answers has done none.
    done: metrics && (total(metrics, `ensemble_${service}_jobs_total`, { outcome: 'done' }) ?? 0),
    paused: paused === null ? null : paused > 0,
  };
}

/** The sum of the series of `name` whose labels include `labels`; null when there is none. */
function total(metrics: MetricSample[] | null, name: string, labels: Record<string, string> = {}): number | null {
  const series = (metrics ?? []).filter((sample) => sample.name === name && Object.entries(labels).every(([label, value]) => sample.labels[label] === value));
  return series.length > 0 ? series.reduce((sum, sample) => sum + sample.value, 0) : null;
}
