import { startService } from '@ensemble/service';
import { InvoiceModule } from './invoice.module';

void startService('invoice', InvoiceModule);
