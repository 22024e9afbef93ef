import { Module } from '@nestjs/common';
import { PlatformConfigModule } from '@ensemble/config';
import { ServiceDatabaseModule } from '@ensemble/database';
import { HealthModule } from '@ensemble/health';
import { CreateProcessedEvents1763781000000, ProcessedEvent } from '@ensemble/inbox';
import { EventConsumerModule } from '@ensemble/event-consumer';
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
      migrations: [...OUTBOX_MIGRATIONS, CreateProcessedEvents1763781000000, CreateInvoices1763791000000],
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
