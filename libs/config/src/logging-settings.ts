import { z } from 'zod';
import { parseEnvironment } from './environment';

/** pino's levels, most severe first; `silent` logs nothing. */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

export type LogLevel = (typeof LOG_LEVELS)[number];

/** What a process logs (`LOG_LEVEL`). */
export interface LoggingSettings {
  /** The least severe level written; `debug` adds a line for every request answered. */
  level: LogLevel;
}

export function loadLoggingSettings(env: Record<string, string | undefined> = process.env): LoggingSettings {
  const parsed = parseEnvironment({ LOG_LEVEL: z.enum(LOG_LEVELS).default('info') }, env);
  return { level: parsed.LOG_LEVEL };
}
