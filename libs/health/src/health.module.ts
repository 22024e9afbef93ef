import { Controller, Get, Inject, Module } from '@nestjs/common';
import { HealthCheck, HealthCheckService, HealthIndicatorService, TerminusModule, TypeOrmHealthIndicator } from '@nestjs/terminus';
import { PLATFORM_CONFIG, PlatformConfig } from '@ensemble/config';
import { createKafka } from '@ensemble/kafka';

/** GET /health: ready when the service's database and Kafka both answer (503 with the failing part otherwise). */
@Controller('health')
class HealthController {
  private readonly admin;

  constructor(
    private readonly health: HealthCheckService,
    private readonly database: TypeOrmHealthIndicator,
    private readonly indicators: HealthIndicatorService,
    @Inject(PLATFORM_CONFIG) config: PlatformConfig,
  ) {
    this.admin = createKafka(config, 'health').admin();
  }

  @Get()
  @HealthCheck()
  check() {
    return this.health.check([
      () => this.database.pingCheck('database', { timeout: 2_000 }),
      async () => {
        const kafka = this.indicators.check('kafka');
        try {
          await this.admin.connect();
          const { brokers } = await this.admin.describeCluster();
          return kafka.up({ brokers: brokers.length });
        } catch (error) {
          return kafka.down({ message: (error as Error).message });
        }
      },
    ]);
  }
}

@Module({ imports: [TerminusModule], controllers: [HealthController] })
export class HealthModule {}
