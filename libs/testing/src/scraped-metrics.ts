/** One sample of Prometheus text: a series (its name and labels) and its value. */
export interface MetricSample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)(?:\s+-?\d+)?$/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;
const ESCAPES: Record<string, string> = { n: '\n', '"': '"', '\\': '\\' };

/** The samples of Prometheus's text format (0.0.4): comments and blank lines skipped, label values unescaped. */
export function parsePrometheusText(text: string): MetricSample[] {
  return text.split('\n').flatMap((line): MetricSample[] => {
    const match = SAMPLE.exec(line.trim());
    if (!match) return [];
    const [, name, labelText = '', value] = match;
    const labels = Object.fromEntries([...labelText.matchAll(LABEL)].map(([, label, raw]) => [label, raw.replace(/\\(.)/g, (_, escaped: string) => ESCAPES[escaped] ?? escaped)]));
    return [{ name, labels, value: value === '+Inf' ? Infinity : value === '-Inf' ? -Infinity : Number(value) }];
  });
}

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
