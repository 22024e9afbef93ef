import { join } from 'node:path';
import { cachedDirectory } from './cached-download';
import { findJava } from './java-runtime';
import { InfraConfig, REPOSITORY_ROOT } from './infra-config';
import { answersGet, LocalServer } from './local-server';
import { dependencyPlugin, runMaven } from './maven';
import { VERSIONS } from './versions';

const NAME = 'zipkin';

/**
 * Zipkin, the trace store and its UI, from its executable jar on Maven Central, keeping spans in
 * memory (the newest `MAX_SPANS`): traces are for looking at what just happened, not an archive.
 * It listens where OTEL_EXPORTER_ZIPKIN_ENDPOINT points.
 */
export function zipkin(config: InfraConfig): LocalServer {
  const url = new URL(config.platform.tracing.zipkinEndpoint);
  const home = join(config.runDir, NAME);
  const installDir = join(config.cacheDir, `zipkin-${VERSIONS.zipkin}`);
  const jar = join(installDir, 'zipkin-server-exec.jar');

  return {
    name: NAME,
    endpoint: url.origin,
    startTimeoutMs: 90_000,
    process: {
      name: NAME,
      pidFile: join(home, 'zipkin.pid'),
      logFile: join(home, 'zipkin.log'),
      marker: `-Densemble.component=${NAME}`,
    },

    isAnswering: () => answersGet(`${url.origin}/health`),

    async install(progress) {
      const fetched = await cachedDirectory(installDir, async (scratch) => {
        progress(NAME, `fetching Zipkin ${VERSIONS.zipkin} with mvn into ${config.cacheDir} (first run only)`);
        await runMaven(
          NAME,
          [
            dependencyPlugin('copy'),
            `-Dartifact=io.zipkin:zipkin-server:${VERSIONS.zipkin}:jar:exec`,
            `-DoutputDirectory=${scratch}`,
            '-Dmdep.stripVersion=true',
          ],
          join(home, 'mvn.log'),
          REPOSITORY_ROOT,
        );
      });
      if (fetched) progress(NAME, 'server fetched');
    },

    async prepareLaunch() {
      return {
        command: findJava(NAME, 17),
        args: [
          '-Xms64m',
          '-Xmx512m',
          `-Densemble.component=${NAME}`,
          '-jar',
          jar,
          `--server.address=${url.hostname}`,
          `--server.port=${url.port || 80}`,
          '--zipkin.storage.type=mem',
          `--zipkin.storage.mem.max-spans=${MAX_SPANS}`,
        ],
        cwd: home,
      };
    },
  };
}

/** Spans Zipkin keeps, the newest. */
const MAX_SPANS = 200_000;

