import { startService } from '@ensemble/service';
import { PaymentsModule } from './payments.module';

void startService('payments', PaymentsModule);
