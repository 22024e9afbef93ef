import { Writable } from 'node:stream';
import { Logger } from '@nestjs/common';
import { createJsonLogger, nestLoggerOver } from '@ensemble/logging';

/** A line a process wrote: its JSON parsed, or for a line that is not JSON (what Node prints as it dies), its text as `msg`. */
export interface LogEntry {
  level?: string;
  msg?: string;
  [field: string]: unknown;
}

/** Each line of a process's output as a {@link LogEntry}. */
export function parseLogLines(output: string): LogEntry[] {
  return output
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => {
      try {
        const parsed: unknown = JSON.parse(line);
        if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) return parsed as LogEntry;
      } catch {
        // not JSON: kept as text below
      }
      return { msg: line };
    });
}

/**
 * Sends what Nest's `Logger` writes, for the rest of the spec file, through a process's JSON logger
 * into the returned array, one parsed entry per line, as the process would write it to stdout. Once
 * per spec file, as once per process (see `nestLoggerOver`).
 */
export function captureJsonLogs(service = 'spec'): LogEntry[] {
  const entries: LogEntry[] = [];
  const memory = new Writable({
    write(chunk: Buffer, _encoding, done) {
      entries.push(...parseLogLines(chunk.toString()));
      done();
    },
  });
  Logger.overrideLogger(nestLoggerOver(createJsonLogger(service, 'info', memory)));
  return entries;
}
