import { DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { MixedList } from 'typeorm';
import { DatabaseSettings, PLATFORM_CONFIG, PlatformConfig, ServiceName } from '@ensemble/config';

export interface ServiceDatabaseOptions {
  service: ServiceName;
  entities: MixedList<Function>;
  migrations: MixedList<Function>;
}

/**
 * The pool's size, and the lock timeout of every session in it: a transaction that waits longer for
 * a lock fails (and a consumer retries it) instead of stalling a partition or a request. Set for
 * the session when it connects, so that no transaction spends a round trip on `SET LOCAL`.
 */
function databaseSessionSettings(settings: DatabaseSettings) {
  // A connection attempt gives up well within a consumer's session timeout, so that waiting out an unreachable server never costs the group membership.
  return { max: settings.poolSize, options: `-c lock_timeout=${settings.lockTimeoutMs}`, connectionTimeoutMillis: 5_000 };
}

/**
 * A service's own PostgreSQL database, at its `<SERVICE>_DATABASE_URL`. The schema comes only from
 * migrations, run at start-up; TypeORM never synchronises it.
 */
@Module({})
export class ServiceDatabaseModule {
  static forRoot({ service, entities, migrations }: ServiceDatabaseOptions): DynamicModule {
    return TypeOrmModule.forRootAsync({
      inject: [PLATFORM_CONFIG],
      useFactory: (config: PlatformConfig) => ({
        type: 'postgres',
        url: config.databases[service],
        applicationName: service,
        entities,
        migrations,
        migrationsRun: true,
        migrationsTableName: 'migrations',
        synchronize: false,
        extra: databaseSessionSettings(config.database),
      }),
    });
  }
}
