import { Module } from '@nestjs/common';
import { PlatformConfigModule } from '@ensemble/config';
import { ServiceDatabaseModule } from '@ensemble/database';
import { HealthModule } from '@ensemble/health';
import { MetricsModule } from '@ensemble/metrics';
import { OUTBOX_MIGRATIONS, OutboxEvent, OutboxModule } from '@ensemble/outbox';
import { IdempotencyRecord } from './idempotency-record.entity';
import { CreatePayments1763790000000 } from './migrations/1763790000000-create-payments';
import { Payment } from './payment.entity';
import { PaymentsController } from './payments.controller';
import { PaymentsService } from './payments.service';

@Module({
  imports: [
    PlatformConfigModule.forRoot(),
    ServiceDatabaseModule.forRoot({
      service: 'payments',
      entities: [Payment, IdempotencyRecord, OutboxEvent],
      migrations: [...OUTBOX_MIGRATIONS, CreatePayments1763790000000],
    }),
    OutboxModule.forRoot({ service: 'payments' }),
    MetricsModule,
    HealthModule,
  ],
  controllers: [PaymentsController],
  providers: [PaymentsService],
})
export class PaymentsModule {}
