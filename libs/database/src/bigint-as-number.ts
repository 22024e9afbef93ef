import { ValueTransformer } from 'typeorm';

/** PostgreSQL returns bigint as a string; the amounts and counts kept in bigint stay far below 2^53. */
export const bigintAsNumber: ValueTransformer = {
  to: (value: number) => value,
  from: (value: string | null) => (value === null ? null : Number(value)),
};
