import { DynamicModule, Module } from '@nestjs/common';
import { MetricsModule } from '@ensemble/metrics';
import { AdminReplayController } from './admin-replay.controller';
import { ReplayInstrumentation } from './replay-instrumentation';
import { REPLAY_OPTIONS, ReplayModuleOptions } from './replay-options';
import { Replays } from './replays';

/**
 * Replays of a service's projection, and their admin API at /admin/replay; what they report becomes
 * logs and metrics through {@link ReplayInstrumentation}. Needs the service's EventConsumerModule.
 */
@Module({})
export class ReplayModule {
  static forRoot(options: ReplayModuleOptions): DynamicModule {
    return {
      module: ReplayModule,
      imports: [MetricsModule],
      controllers: [AdminReplayController],
      providers: [{ provide: REPLAY_OPTIONS, useValue: options }, Replays, ReplayInstrumentation],
      exports: [Replays],
    };
  }
}
