import { startConsumingService } from '@ensemble/event-consumer';
import { InvoiceModule } from './invoice.module';

void startConsumingService('invoice', InvoiceModule);
