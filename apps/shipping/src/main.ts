import { startService } from '@ensemble/service';
import { ShippingModule } from './shipping.module';

void startService('shipping', ShippingModule);
