import { IHeaders } from 'kafkajs';

/**
 * A record's headers as plain strings (kafkajs hands them over as Buffers). A plain loop, as it runs
 * for every record consumed or replayed: built from entries, it took 6% of a replay's CPU, this 3%.
 */
export function headersAsStrings(headers: IHeaders | undefined): Record<string, string> {
  const strings: Record<string, string> = {};
  for (const name in headers) {
    const value = headers[name];
    if (value !== undefined) strings[name] = String(value);
  }
  return strings;
}
