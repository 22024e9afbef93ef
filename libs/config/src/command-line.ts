import { parseArgs } from 'node:util';

/**
 * One option of a command. A number must be greater than zero (every count, rate and duration our
 * commands take is), and whole with `integer`. A flag is false unless given.
 */
export type CommandOption =
  | { type: 'boolean' }
  | { type: 'string'; default?: string }
  | { type: 'number'; default?: number; integer?: boolean };

/** A command's positional arguments in order, each by name with the words it accepts. */
export type CommandPositionals = Record<string, readonly string[]>;

export interface CommandLineSpec<Options extends Record<string, CommandOption>, Positionals extends CommandPositionals> {
  /** Prefixes every problem, as the command's other errors are: `dlq: unknown service "x"`. */
  command: string;
  /** Printed under the problem. */
  usage: string;
  options?: Options;
  positionals?: Positionals;
}

type OptionValue<Option extends CommandOption> = Option extends { type: 'boolean' }
  ? boolean
  : Option extends { default: infer Default }
    ? Default extends string ? string : number
    : (Option extends { type: 'string' } ? string : number) | undefined;

export interface CommandLine<Options extends Record<string, CommandOption>, Positionals extends CommandPositionals> {
  options: { [Name in keyof Options]: OptionValue<Options[Name]> };
  positionals: { [Name in keyof Positionals]: Positionals[Name][number] };
  /**
   * Refuses the command line for a problem only the command can see (two options that exclude each
   * other): prints it with the usage and exits 2, as a problem the parser finds does.
   */
  refuse(problem: string): never;
}

/**
 * Reads a command's arguments with Node's own parser and checks them against what the command
 * declares. A wrong command line is refused before anything starts: the problem names the option
 * or argument, the usage follows, and the exit code is 2.
 */
export function parseCommandLine<
  const Options extends Record<string, CommandOption> = Record<never, CommandOption>,
  const Positionals extends CommandPositionals = Record<never, readonly string[]>,
>(spec: CommandLineSpec<Options, Positionals>, args: string[] = process.argv.slice(2)): CommandLine<Options, Positionals> {
  function refuse(problem: string): never {
    console.error(`${spec.command}: ${problem}\n${spec.usage}`);
    process.exit(2);
  }
  const declared: Record<string, CommandOption> = spec.options ?? {};
  // Not strict: the tokens are checked below, so that each problem is said in the command's words.
  const { tokens, positionals } = parseArgs({
    args,
    strict: false,
    allowPositionals: true,
    tokens: true,
    options: Object.fromEntries(Object.entries(declared).map(([name, option]) => [name, { type: option.type === 'boolean' ? 'boolean' : 'string' } as const])),
  });

  const given = new Map<string, string | true>();
  for (const token of tokens) {
    if (token.kind !== 'option') continue;
    const option = declared[token.name];
    if (!option || token.rawName !== `--${token.name}`) refuse(`unknown option ${token.rawName}`);
    if (option.type === 'boolean') {
      if (token.value !== undefined) refuse(`${token.rawName} takes no value`);
      given.set(token.name, true);
    } else {
      if (token.value === undefined || (!token.inlineValue && token.value.startsWith('--'))) refuse(`${token.rawName} needs a value`);
      given.set(token.name, token.value!);
    }
  }

  const options: Record<string, unknown> = {};
  for (const [name, option] of Object.entries(declared)) {
    const value = given.get(name);
    if (option.type === 'boolean') options[name] = value === true;
    else if (option.type === 'string') options[name] = value ?? option.default;
    else if (value === undefined) options[name] = option.default;
    else {
      const number = Number(value);
      const kind = option.integer ? 'positive whole number' : 'positive number';
      if (!(number > 0) || !Number.isFinite(number) || (option.integer && !Number.isInteger(number))) refuse(`--${name} must be a ${kind}, not "${value}"`);
      options[name] = number;
    }
  }

  const named: Record<string, string> = {};
  const expected = Object.entries(spec.positionals ?? {});
  for (const [index, [name, accepted]] of expected.entries()) {
    const value = positionals[index];
    if (value === undefined) refuse(`missing <${name}> (one of: ${accepted.join(', ')})`);
    if (!accepted.includes(value)) refuse(`unknown ${name} "${value}" (one of: ${accepted.join(', ')})`);
    named[name] = value;
  }
  if (positionals.length > expected.length) refuse(`unexpected argument "${positionals[expected.length]}"`);

  return { options, positionals: named, refuse } as CommandLine<Options, Positionals>;
}
