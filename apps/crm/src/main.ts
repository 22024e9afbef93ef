import { startService } from '@ensemble/service';
import { CrmModule } from './crm.module';

void startService('crm', CrmModule);
