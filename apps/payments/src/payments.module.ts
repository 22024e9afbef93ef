import { Module } from '@nestjs/common';
import { PlatformConfigModule } from '@ensemble/config';

@Module({ imports: [PlatformConfigModule.forRoot()] })
export class PaymentsModule {}
