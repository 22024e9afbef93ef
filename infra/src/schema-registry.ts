import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { cachedDirectory } from './cached-download';
import { InfraError } from './infra-error';
import { findJava } from './java-runtime';
import { InfraConfig, REPOSITORY_ROOT } from './infra-config';
import { answersGet, LocalServer } from './local-server';
import { dependencyPlugin, runMaven } from './maven';
import { VERSIONS } from './versions';

const NAME = 'schema-registry';

/**
 * Apicurio Registry serving the Confluent-compatible API under SCHEMA_REGISTRY_URL, so that a real
 * Confluent Schema Registry can take its place by changing that one URL. Schemas live in PostgreSQL.
 */
export function schemaRegistry(config: InfraConfig): LocalServer {
  const url = new URL(config.platform.schemaRegistry.url);
  const home = join(config.runDir, NAME);
  const installDir = join(config.cacheDir, `apicurio-registry-${VERSIONS.apicurioRegistry}`);
  const database = new URL(config.schemaRegistryDatabaseUrl);

  return {
    name: NAME,
    endpoint: config.platform.schemaRegistry.url,
    startTimeoutMs: 120_000,
    process: {
      name: NAME,
      pidFile: join(home, 'schema-registry.pid'),
      logFile: join(home, 'schema-registry.log'),
      marker: `-Densemble.component=${NAME}`,
    },

    isAnswering: () => answersGet(`${config.platform.schemaRegistry.url}/subjects`),

    async install(progress) {
      const fetched = await cachedDirectory(installDir, async (scratch) => {
        progress(NAME, `fetching Apicurio Registry ${VERSIONS.apicurioRegistry} with mvn into ${config.cacheDir} (first run only)`);
        await runMaven(
          NAME,
          [
            dependencyPlugin('copy'),
            `-Dartifact=io.apicurio:apicurio-registry-app:${VERSIONS.apicurioRegistry}:tar.gz:all`,
            `-DoutputDirectory=${scratch}`,
            '-Dmdep.stripVersion=true',
          ],
          join(home, 'mvn.log'),
          REPOSITORY_ROOT,
        );
        const archive = join(scratch, 'apicurio-registry-app-all.tar.gz');
        await untar(archive, scratch);
        rmSync(archive);
      });
      if (fetched) progress(NAME, 'registry fetched');
    },

    async prepareLaunch() {
      const jdbcUrl = `jdbc:postgresql://${database.host}${database.pathname}`;
      const settings: Record<string, string | number> = {
        'quarkus.http.host': url.hostname,
        'quarkus.http.port': url.port || 80,
        'quarkus.management.host': url.hostname,
        'quarkus.management.port': config.schemaRegistryManagementPort,
        'apicurio.storage.kind': 'sql',
        'apicurio.storage.sql.kind': 'postgresql',
        'apicurio.datasource.url': jdbcUrl,
        'apicurio.datasource.username': decodeURIComponent(database.username || 'postgres'),
        'apicurio.datasource.password': decodeURIComponent(database.password || 'postgres'),
        // Each connection is a PostgreSQL backend; the registry's default of 20 idle ones is a fifth of the server's limit.
        'apicurio.datasource.jdbc.initial-size': 2,
        'apicurio.datasource.jdbc.min-size': 2,
        'apicurio.datasource.jdbc.max-size': 10,
        // Re-registering a schema that differs only in formatting finds the existing version instead of adding one.
        'apicurio.ccompat.use-canonical-hash': 'true',
        'apicurio.rest.deletion.artifact.enabled': 'true',
        'apicurio.rest.deletion.artifact-version.enabled': 'true',
      };
      return {
        // Apicurio Registry 3.3 is compiled for Java 21; Kafka runs on the machine's default Java 17.
        command: findJava(NAME, 21, config.schemaRegistryJavaHome),
        args: [
          '-Xms128m',
          '-Xmx512m',
          `-Densemble.component=${NAME}`,
          ...Object.entries(settings).map(([key, value]) => `-D${key}=${value}`),
          '-jar',
          join(installDir, 'quarkus-run.jar'),
        ],
        cwd: installDir,
      };
    },
  };
}

/**
 * Makes BACKWARD the registry-wide default, as a Confluent registry has it: a new schema must read
 * data written with the previous one. Returns false when it already was.
 */
export async function ensureDefaultCompatibility(registryUrl: string): Promise<boolean> {
  const current = await fetch(`${registryUrl}/config`);
  if (current.ok && ((await current.json()) as { compatibilityLevel?: string }).compatibilityLevel === 'BACKWARD') return false;
  const response = await fetch(`${registryUrl}/config`, {
    method: 'PUT',
    headers: { 'Content-Type': 'application/vnd.schemaregistry.v1+json' },
    body: JSON.stringify({ compatibility: 'BACKWARD' }),
  });
  if (!response.ok) {
    throw new InfraError(NAME, `setting BACKWARD compatibility failed: ${response.status} ${await response.text()}`);
  }
  return true;
}

function untar(archive: string, into: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const tar = spawn('tar', ['xzf', archive, '-C', into], { stdio: 'inherit' });
    tar.on('error', reject);
    tar.on('exit', (code) =>
      code === 0 ? resolve() : reject(new InfraError(NAME, `unpacking ${archive} failed (tar exited with ${code})`)),
    );
  });
}
