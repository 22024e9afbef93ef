// First, so that tracing instruments http and pg before anything loads them.
import './tracing';
import { startService } from '@ensemble/service';
import { ShippingModule } from './shipping.module';

void startService('shipping', ShippingModule);
