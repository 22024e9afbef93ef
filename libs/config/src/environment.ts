import { z } from 'zod';
import { ConfigurationError } from './configuration-error';

type Environment = Record<string, string | undefined>;

/** A comma-separated list of `host:port` pairs, as kafkajs takes them. */
export const brokerList = z
  .string()
  .transform((value) => value.split(',').map((broker) => broker.trim()).filter(Boolean))
  .pipe(
    z
      .array(z.string().regex(/^[^\s:/]+:\d{1,5}$/, 'expected host:port'))
      .min(1, 'expected at least one host:port'),
  );

export const httpUrl = z
  .string()
  .regex(/^https?:\/\/[^\s/]+/, 'expected an http:// or https:// URL')
  .transform((url) => url.replace(/\/+$/, ''));

export const postgresUrl = z
  .string()
  .regex(/^postgres(ql)?:\/\/[^\s/]+\/[^\s/?]+/, 'expected postgres://user@host:port/database');

export const port = z.coerce.number().int().min(1).max(65535);

/**
 * Parses environment variables with a schema keyed by variable name, so that every error names the
 * variable it is about. Defaults in the schema point at the local infrastructure.
 */
export function parseEnvironment<Shape extends z.ZodRawShape>(
  shape: Shape,
  env: Environment = process.env,
): z.infer<z.ZodObject<Shape>> {
  const values = Object.fromEntries(
    Object.keys(shape).map((variable) => [variable, emptyAsMissing(env[variable])]),
  );
  const result = z.object(shape).safeParse(values);
  if (result.success) return result.data;
  throw new ConfigurationError(
    result.error.issues.map((issue) => {
      const variable = String(issue.path[0]);
      const given = values[variable];
      return {
        variable,
        problem: given === undefined ? `${issue.message} (not set)` : `${issue.message}, got "${given}"`,
      };
    }),
  );
}

function emptyAsMissing(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value;
}

/**
 * Runs each section's parser (a library's variables) and throws one {@link ConfigurationError}
 * naming the bad variables of all of them, so that a start-up lists every problem at once.
 */
export function parseSections<Sections extends Record<string, () => unknown>>(
  sections: Sections,
): { [Name in keyof Sections]: ReturnType<Sections[Name]> } {
  const parsed: Record<string, unknown> = {};
  const problems: ConfigurationError['problems'][number][] = [];
  for (const [name, parse] of Object.entries(sections)) {
    try {
      parsed[name] = parse();
    } catch (error) {
      if (!(error instanceof ConfigurationError)) throw error;
      problems.push(...error.problems);
    }
  }
  if (problems.length > 0) throw new ConfigurationError(problems);
  return parsed as { [Name in keyof Sections]: ReturnType<Sections[Name]> };
}
