import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { DEFAULT_HTTP_PORTS, PROCESS_NAMES } from '@ensemble/config';

const PROMETHEUS_CONFIG = join(__dirname, '..', 'prometheus', 'prometheus.yml');

interface ScrapeJob {
  job_name: string;
  metrics_path?: string;
  scheme?: string;
  static_configs: Array<{ targets: string[] }>;
}

const { scrape_configs: jobs } = parse(readFileSync(PROMETHEUS_CONFIG, 'utf8')) as { scrape_configs: ScrapeJob[] };

describe('infra/prometheus/prometheus.yml', () => {
  it('scrapes every process, and nothing else, as a job of its name at its own port', () => {
    expect(Object.fromEntries(jobs.map((job) => [job.job_name, job.static_configs.flatMap((config) => config.targets)]))).toEqual(
      Object.fromEntries(PROCESS_NAMES.map((process) => [process, [`127.0.0.1:${DEFAULT_HTTP_PORTS[process]}`]])),
    );
  });

  it('reads their GET /metrics over plain HTTP', () => {
    for (const job of jobs) expect({ job: job.job_name, path: job.metrics_path ?? '/metrics', scheme: job.scheme ?? 'http' }).toEqual({ job: job.job_name, path: '/metrics', scheme: 'http' });
  });
});
