import { IHeaders } from 'kafkajs';

/** A record's headers as plain strings (kafkajs hands them over as Buffers). */
export function headersAsStrings(headers: IHeaders | undefined): Record<string, string> {
  return Object.fromEntries(
    Object.entries(headers ?? {})
      .filter(([, value]) => value !== undefined)
      .map(([name, value]) => [name, String(value)]),
  );
}
