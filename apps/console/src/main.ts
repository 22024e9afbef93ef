// First, so that tracing instruments http and pg before anything loads them.
import './tracing';
import { startHttpService } from '@ensemble/http';
import { ConsoleModule } from './console.module';

void startHttpService('console', ConsoleModule);
