import { Type } from '@nestjs/common';
import { MigrationInterface } from 'typeorm';
import { ServiceName } from '@ensemble/config';
import { OpenWork } from './open-work';
import { ReplayWindow } from './replay-window';

export interface ReplayModuleOptions {
  service: ServiceName;
  /** The migrations that create the service's projection (its tables without the inbox and the outbox), in order. */
  projection: Array<Type<MigrationInterface>>;
  /** How the projection keeps what precedes a window; without it, only whole-history replays are offered. */
  window?: ReplayWindow;
  /** What a rebuild from the service's announcements carries over from the live projection at the swap. */
  openWork?: OpenWork;
}

export const REPLAY_OPTIONS = Symbol('REPLAY_OPTIONS');
