import { MetricSample, parsePrometheusText } from '@ensemble/metrics';

/** What a process's GET /metrics answered once, to compare with what it answers later. */
export class ScrapedMetrics {
  constructor(readonly samples: MetricSample[]) {}

  /** The samples of `name` whose labels include `labels`. */
  matching(name: string, labels: Record<string, string> = {}): MetricSample[] {
    return this.samples.filter((sample) => sample.name === name && Object.entries(labels).every(([label, value]) => sample.labels[label] === value));
  }

  /** The sum of those samples: 0 when there are none, as for a counter that has not counted yet (prom-client leaves it out). */
  sum(name: string, labels: Record<string, string> = {}): number {
    return this.matching(name, labels).reduce((total, { value }) => total + value, 0);
  }
}

/** GET <baseUrl>/metrics, parsed. */
export async function scrapeMetrics(baseUrl: string): Promise<ScrapedMetrics> {
  const response = await fetch(`${baseUrl}/metrics`);
  if (!response.ok) throw new Error(`GET ${baseUrl}/metrics answered ${response.status}`);
  return new ScrapedMetrics(parsePrometheusText(await response.text()));
}
