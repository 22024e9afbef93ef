import { Module } from '@nestjs/common';
import { ServiceModule } from '@ensemble/service';
import { Invoice } from './invoice.entity';
import { InvoicesController } from './invoices.controller';
import { CreateInvoices1763791000000 } from './migrations/1763791000000-create-invoices';

@Module({
  imports: [
    ServiceModule.forService({
      service: 'invoice',
      entities: [Invoice],
      migrations: [CreateInvoices1763791000000],
      controllers: [InvoicesController],
    }),
  ],
})
export class InvoiceModule {}
