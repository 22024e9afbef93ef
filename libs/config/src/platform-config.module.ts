import { DynamicModule, Module } from '@nestjs/common';
import { PlatformConfig } from './platform-config';

/** Injection token of the validated {@link PlatformConfig}. */
export const PLATFORM_CONFIG = Symbol('PLATFORM_CONFIG');

/**
 * Provides the configuration the process parsed when it started (`loadPlatformConfig`, before Nest
 * starts, so that a bad variable stops the start with one message naming it), to every module.
 */
@Module({})
export class PlatformConfigModule {
  static forRoot(config: PlatformConfig): DynamicModule {
    return {
      module: PlatformConfigModule,
      global: true,
      providers: [{ provide: PLATFORM_CONFIG, useValue: config }],
      exports: [PLATFORM_CONFIG],
    };
  }
}
