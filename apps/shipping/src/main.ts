import { startConsumingService } from '@ensemble/event-consumer';
import { ShippingModule } from './shipping.module';

void startConsumingService('shipping', ShippingModule);
