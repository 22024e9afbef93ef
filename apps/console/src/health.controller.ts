import { Controller, Get } from '@nestjs/common';

/**
 * GET /health: the console is ready once it listens. It needs no database, and the parts it reads
 * (Kafka, the services) show their own state on the page: a console is worth opening most when
 * one of them is away.
 */
@Controller('health')
export class HealthController {
  @Get()
  check() {
    return { status: 'ok' };
  }
}
