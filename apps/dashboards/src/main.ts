import { startService } from '@ensemble/service';
import { DashboardsModule } from './dashboards.module';

void startService('dashboards', DashboardsModule);
