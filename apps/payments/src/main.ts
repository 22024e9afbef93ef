// First, so that tracing instruments http and pg before anything loads them.
import './tracing';
import { startService } from '@ensemble/service';
import { PaymentsModule } from './payments.module';

void startService('payments', PaymentsModule);
