// First, so that tracing instruments http and pg before anything loads them.
import './tracing';
import { startService } from '@ensemble/service';
import { NotificationsModule } from './notifications.module';

void startService('notifications', NotificationsModule);
