import { startConsumingService } from '@ensemble/event-consumer';
import { DashboardsModule } from './dashboards.module';

void startConsumingService('dashboards', DashboardsModule);
