// First, so that tracing instruments http and pg before anything loads them.
import './tracing';
import { startService } from '@ensemble/service';
import { InvoiceModule } from './invoice.module';

void startService('invoice', InvoiceModule);
