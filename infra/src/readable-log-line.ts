import { prettyFactory } from 'pino-pretty';

/**
 * Left out of the terminal: what the line's prefix or message already says (the service, the
 * request's method, path and status) and what only machines read (the pid, the trace ids). The log
 * files keep every field.
 */
const LEFT_OUT = ['service', 'pid', 'hostname', 'context', 'trace_id', 'span_id', 'req', 'res'];

const prettify = prettyFactory({
  singleLine: true,
  translateTime: 'SYS:HH:MM:ss.l',
  ignore: LEFT_OUT.join(','),
  messageFormat: (entry, messageKey) => `${entry.context ? `[${entry.context}] ` : ''}${entry[messageKey]}`,
});

/**
 * A service's JSON log line as a person reads it in `npm start`'s terminal: time, level, context,
 * message and the other fields on one line (an error's stack on the lines below it). A line that is
 * not one of pino's (what Node prints as a process dies) comes back unchanged.
 */
export function readableLogLine(line: string): string {
  if (!line.startsWith('{')) return line;
  let entry: unknown;
  try {
    entry = JSON.parse(line);
  } catch {
    return line;
  }
  if (typeof entry !== 'object' || entry === null || typeof (entry as { level?: unknown }).level !== 'string') return line;
  return prettify(entry).trimEnd().replace(/ +$/gm, '');
}
