import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { loadInfraConfig } from '../src/infra-config';
import { promtoolPath } from '../src/promtool';

const PROMETHEUS_CONFIG = join(__dirname, '..', 'prometheus', 'prometheus.yml');

describe('infra/prometheus/prometheus.yml, checked by promtool (which the global setup fetches)', () => {
  it('is a configuration Prometheus accepts', () => {
    const promtool = promtoolPath(loadInfraConfig().cacheDir);
    const checked = spawnSync(promtool, ['check', 'config', PROMETHEUS_CONFIG], { encoding: 'utf8' });
    expect({ promtool, error: checked.error?.message, status: checked.status, output: `${checked.stdout}${checked.stderr}` }).toEqual({
      promtool,
      error: undefined,
      status: 0,
      output: expect.stringContaining('SUCCESS'),
    });
  });
});
