import { parsePrometheusText } from '@ensemble/metrics';
import { ScrapedMetrics } from './scraped-metrics';

describe('ScrapedMetrics', () => {
  const scraped = new ScrapedMetrics(
    parsePrometheusText(['# HELP lag Lag', 'lag{topic="a",partition="0"} 2', 'lag{topic="a",partition="1"} 3', 'lag{topic="b",partition="0"} 4'].join('\n')),
  );

  it('sums the series whose labels include the ones asked for, and counts a series not there as 0', () => {
    expect(scraped.sum('lag', { topic: 'a' })).toBe(5);
    expect(scraped.sum('lag')).toBe(9);
    expect(scraped.sum('applied_total', { topic: 'a' })).toBe(0);
  });
});
