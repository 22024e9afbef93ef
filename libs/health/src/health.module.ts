import { Controller, Get, Inject, Module, Optional } from '@nestjs/common';
import { HealthCheck, HealthCheckService, HealthIndicatorService, TerminusModule, TypeOrmHealthIndicator } from '@nestjs/terminus';
import type { Admin, Kafka } from 'kafkajs';
import { EventTransport } from '@ensemble/event-consumer';
import { KAFKA_CLIENT } from '@ensemble/kafka';

/**
 * GET /health: ready when the service's database and Kafka both answer and, in a service that
 * consumes, its consumer has joined its group (503 naming the missing part otherwise). It answers
 * at once either way: none of these parts waits for another to start.
 */
@Controller('health')
class HealthController {
  private readonly admin: Admin;

  constructor(
    private readonly health: HealthCheckService,
    private readonly database: TypeOrmHealthIndicator,
    private readonly indicators: HealthIndicatorService,
    @Inject(KAFKA_CLIENT) kafka: Kafka,
    @Optional() private readonly transport?: EventTransport,
  ) {
    this.admin = kafka.admin();
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
      ...(this.transport ? [() => this.consumerStatus(this.transport!)] : []),
    ]);
  }

  private consumerStatus(transport: EventTransport) {
    const consumer = this.indicators.check('consumer');
    const status = transport.consumption;
    return status.consuming ? consumer.up() : consumer.down({ message: status.reason });
  }
}

@Module({ imports: [TerminusModule], controllers: [HealthController] })
export class HealthModule {}
