import { DynamicModule, Module } from '@nestjs/common';
import { AdminReplayController } from './admin-replay.controller';
import { REPLAY_OPTIONS, ReplayModuleOptions } from './replay-options';
import { Replays } from './replays';

/** Replays of a service's projection, and their admin API at /admin/replay. Needs the service's EventConsumerModule. */
@Module({})
export class ReplayModule {
  static forRoot(options: ReplayModuleOptions): DynamicModule {
    return {
      module: ReplayModule,
      controllers: [AdminReplayController],
      providers: [{ provide: REPLAY_OPTIONS, useValue: options }, Replays],
      exports: [Replays],
    };
  }
}
