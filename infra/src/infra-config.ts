import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { LOCAL_DEFAULTS, loadPlatformConfig, parseEnvironment, parseSections, PlatformConfig, port, postgresUrl } from '@ensemble/config';

/** Everything `infra:up` needs: the platform's endpoints plus where the local servers keep their files. */
export interface InfraConfig {
  platform: PlatformConfig;
  /** The registry's own database (Apicurio keeps schemas there, so ids survive a restart). */
  schemaRegistryDatabaseUrl: string;
  schemaRegistryManagementPort: number;
  /** A Java 21+ home for the registry; found under /usr/lib/jvm when unset. */
  schemaRegistryJavaHome?: string;
  /** Downloads reused across runs and clones; outside git. */
  cacheDir: string;
  /** Logs and pid files of this checkout's servers; git ignores it. */
  runDir: string;
  /**
   * Kafka's log, shared by every checkout on the machine, as PostgreSQL is: the services' databases
   * hold state folded from these topics, and a replay must find the records they came from.
   */
  dataDir: string;
}

export const REPOSITORY_ROOT = resolve(__dirname, '..', '..');

/**
 * The platform's variables and the local servers' own, parsed together: a {@link ConfigurationError}
 * names every bad variable of an infra command in one message.
 */
export function loadInfraConfig(env: Record<string, string | undefined> = process.env): InfraConfig {
  const { platform, local } = parseSections({
    platform: () => loadPlatformConfig(env),
    local: () => loadLocalServerVariables(env),
  });
  return {
    platform,
    schemaRegistryDatabaseUrl: local.SCHEMA_REGISTRY_DATABASE_URL,
    schemaRegistryManagementPort: local.SCHEMA_REGISTRY_MANAGEMENT_PORT,
    schemaRegistryJavaHome: local.SCHEMA_REGISTRY_JAVA_HOME,
    cacheDir: resolve(local.ENSEMBLE_CACHE_DIR),
    runDir: resolve(local.ENSEMBLE_RUN_DIR),
    dataDir: resolve(local.ENSEMBLE_DATA_DIR),
  };
}

function loadLocalServerVariables(env: Record<string, string | undefined>) {
  return parseEnvironment(
    {
      SCHEMA_REGISTRY_DATABASE_URL: postgresUrl.default(`${LOCAL_DEFAULTS.postgresServer}/schema_registry`),
      SCHEMA_REGISTRY_MANAGEMENT_PORT: port.default(9081),
      SCHEMA_REGISTRY_JAVA_HOME: z.string().optional(),
      ENSEMBLE_CACHE_DIR: z.string().default(join(env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'ensemble')),
      ENSEMBLE_RUN_DIR: z.string().default(join(REPOSITORY_ROOT, '.ensemble')),
      ENSEMBLE_DATA_DIR: z.string().default(join(env.XDG_DATA_HOME ?? join(homedir(), '.local', 'share'), 'ensemble')),
    },
    env,
  );
}
