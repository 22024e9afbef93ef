import { startHttpService } from '@ensemble/http';
import { ConsoleModule } from './console.module';

void startHttpService('console', ConsoleModule);
