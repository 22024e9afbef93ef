import { startHttpService } from '@ensemble/http';
import { PaymentsModule } from './payments.module';

void startHttpService('payments', PaymentsModule);
