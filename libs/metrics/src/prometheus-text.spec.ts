import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { parsePrometheusText } from './prometheus-text';

describe('parsePrometheusText', () => {
  it('reads back what prom-client writes: names, labels with escapes, histograms', async () => {
    const registry = new Registry();
    new Counter({ name: 'records_total', help: 'Records', labelNames: ['topic', 'reason'], registers: [registry] }).inc({ topic: 'payments.payment-completed', reason: 'say "no"\\\n' }, 3);
    new Gauge({ name: 'lag', help: 'Lag', registers: [registry] }).set(-1.5);
    new Histogram({ name: 'seconds', help: 'Seconds', buckets: [1], registers: [registry] }).observe(0.5);

    expect(parsePrometheusText(await registry.metrics())).toEqual([
      { name: 'records_total', labels: { topic: 'payments.payment-completed', reason: 'say "no"\\\n' }, value: 3 },
      { name: 'lag', labels: {}, value: -1.5 },
      { name: 'seconds_bucket', labels: { le: '1' }, value: 1 },
      { name: 'seconds_bucket', labels: { le: '+Inf' }, value: 1 },
      { name: 'seconds_sum', labels: {}, value: 0.5 },
      { name: 'seconds_count', labels: {}, value: 1 },
    ]);
  });
});
