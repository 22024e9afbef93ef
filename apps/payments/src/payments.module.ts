import { Module } from '@nestjs/common';
import { ServiceModule } from '@ensemble/service';
import { IdempotencyRecord } from './idempotency-record.entity';
import { CreatePayments1763790000000 } from './migrations/1763790000000-create-payments';
import { Payment } from './payment.entity';
import { PaymentsController } from './payments.controller';
import { PaymentsService } from './payments.service';

@Module({
  imports: [
    ServiceModule.forService({
      service: 'payments',
      entities: [Payment, IdempotencyRecord],
      migrations: [CreatePayments1763790000000],
      controllers: [PaymentsController],
      providers: [PaymentsService],
    }),
  ],
})
export class PaymentsModule {}
