import { DynamicModule, Module } from '@nestjs/common';
import { loadPlatformConfig, PlatformConfig } from './platform-config';

/** Injection token of the validated {@link PlatformConfig}. */
export const PLATFORM_CONFIG = Symbol('PLATFORM_CONFIG');

/**
 * Parses the environment once, when the application starts: a bad or missing variable stops the
 * start with a {@link ConfigurationError} that names it, instead of failing later on first use.
 */
@Module({})
export class PlatformConfigModule {
  static forRoot(env: Record<string, string | undefined> = process.env): DynamicModule {
    return {
      module: PlatformConfigModule,
      global: true,
      providers: [{ provide: PLATFORM_CONFIG, useFactory: (): PlatformConfig => loadPlatformConfig(env) }],
      exports: [PLATFORM_CONFIG],
    };
  }
}
