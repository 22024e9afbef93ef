import { startConsumingService } from '@ensemble/event-consumer';
import { CrmModule } from './crm.module';

void startConsumingService('crm', CrmModule);
