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
