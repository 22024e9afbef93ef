// First, so that tracing instruments http and pg before anything loads them.
import './tracing';
import { startService } from '@ensemble/service';
import { DashboardsModule } from './dashboards.module';

void startService('dashboards', DashboardsModule);
