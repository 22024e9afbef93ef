// First, so that tracing instruments http and pg before anything loads them.
import './tracing';
import { startService } from '@ensemble/service';
import { CrmModule } from './crm.module';

void startService('crm', CrmModule);
