import { Type } from '@nestjs/common';
import { MigrationInterface } from 'typeorm';
import { ServiceName } from '@ensemble/config';
import { ReplayWindow } from './replay-window';

export interface ReplayModuleOptions {
  service: ServiceName;
  /** The migrations that create the service's projection (its tables without the inbox and the outbox), in order. */
  projection: Array<Type<MigrationInterface>>;
  /** How the projection keeps what precedes a window; without it, only whole-history replays are offered. */
  window?: ReplayWindow;
}

export const REPLAY_OPTIONS = Symbol('REPLAY_OPTIONS');
