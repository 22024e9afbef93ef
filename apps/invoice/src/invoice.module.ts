import { Module } from '@nestjs/common';
import { PlatformConfigModule } from '@ensemble/config';
import { ServiceDatabaseModule } from '@ensemble/database';
import { HealthModule } from '@ensemble/health';
import { ProcessedEvent } from '@ensemble/inbox';
import { CONSUMER_MIGRATIONS, EventConsumerModule } from '@ensemble/event-consumer';
import { MetricsModule } from '@ensemble/metrics';
import { ReplayModule } from '@ensemble/replay';
import { OUTBOX_MIGRATIONS, OutboxEvent, OutboxModule } from '@ensemble/outbox';
import { Invoice } from './invoice.entity';
import { InvoicesController } from './invoices.controller';
import { CreateInvoices1763791000000 } from './migrations/1763791000000-create-invoices';

@Module({
  imports: [
    PlatformConfigModule.forRoot(),
    ServiceDatabaseModule.forRoot({
      service: 'invoice',
      entities: [Invoice, ProcessedEvent, OutboxEvent],
      migrations: [...OUTBOX_MIGRATIONS, ...CONSUMER_MIGRATIONS, CreateInvoices1763791000000],
    }),
    OutboxModule.forRoot({ service: 'invoice' }),
    EventConsumerModule.forRoot({ service: 'invoice' }),
    ReplayModule.forRoot({ service: 'invoice', projection: [CreateInvoices1763791000000] }),
    MetricsModule,
    HealthModule,
  ],
  controllers: [InvoicesController],
})
export class InvoiceModule {}
