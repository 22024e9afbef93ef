import { DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { MixedList } from 'typeorm';
import { z } from 'zod';
import { parseEnvironment, PLATFORM_CONFIG, PlatformConfig, ServiceName } from '@ensemble/config';

export interface ServiceDatabaseOptions {
  service: ServiceName;
  entities: MixedList<Function>;
  migrations: MixedList<Function>;
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
        // Five services share one server (max_connections is 100 by default) with relays, the registry and tools.
        extra: { max: parseEnvironment({ DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(100).default(10) }).DATABASE_POOL_SIZE },
      }),
    });
  }
}
