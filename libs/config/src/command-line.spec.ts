import { parseCommandLine } from './command-line';

class Exited extends Error {
  constructor(readonly code: number | string | null | undefined) {
    super(`exited with ${code}`);
  }
}

describe('parseCommandLine', () => {
  const printed: string[] = [];
  beforeEach(() => {
    jest.spyOn(console, 'error').mockImplementation((line: string) => void printed.push(line));
    jest.spyOn(process, 'exit').mockImplementation((code) => {
      throw new Exited(code);
    });
  });
  afterEach(() => jest.restoreAllMocks());

  const demo = (args: string[]) =>
    parseCommandLine(
      {
        command: 'demo',
        usage: 'usage: demo [--rate R] [--kills K] [--url U] [--quick]',
        options: { rate: { type: 'number', default: 20 }, kills: { type: 'number', integer: true }, url: { type: 'string' }, quick: { type: 'boolean' } },
      },
      args,
    );
  const refusal = (run: () => unknown) => {
    printed.length = 0;
    expect(run).toThrow(new Exited(2));
    return printed.join('\n');
  };

  it('reads typed options, with their defaults when left out', () => {
    expect(demo(['--rate', '2.5', '--kills=3', '--url', 'http://x', '--quick']).options).toEqual({ rate: 2.5, kills: 3, url: 'http://x', quick: true });
    expect(demo([]).options).toEqual({ rate: 20, kills: undefined, url: undefined, quick: false });
  });

  it('refuses an unknown option, naming it, with the usage, and exits 2', () => {
    expect(refusal(() => demo(['--rat', '3']))).toBe('demo: unknown option --rat\nusage: demo [--rate R] [--kills K] [--url U] [--quick]');
    expect(refusal(() => demo(['-r']))).toMatch(/^demo: unknown option -r\n/);
  });

  it('refuses an option without its value, and a flag with one', () => {
    expect(refusal(() => demo(['--url']))).toMatch(/^demo: --url needs a value\n/);
    expect(refusal(() => demo(['--url', '--quick']))).toMatch(/^demo: --url needs a value\n/);
    expect(refusal(() => demo(['--quick=yes']))).toMatch(/^demo: --quick takes no value\n/);
  });

  it('refuses a number that is not positive, or not whole where it must be', () => {
    expect(refusal(() => demo(['--rate', 'fast']))).toMatch(/^demo: --rate must be a positive number, not "fast"\n/);
    expect(refusal(() => demo(['--rate', '0']))).toMatch(/^demo: --rate must be a positive number, not "0"\n/);
    expect(refusal(() => demo(['--kills', '1.5']))).toMatch(/^demo: --kills must be a positive whole number, not "1.5"\n/);
  });

  describe('positional arguments', () => {
    const dlq = (args: string[]) =>
      parseCommandLine({ command: 'dlq', usage: 'usage: dlq list|redrive <service>', positionals: { command: ['list', 'redrive'], service: ['crm', 'invoice'] } }, args);

    it('reads each by name', () => {
      expect(dlq(['redrive', 'crm']).positionals).toEqual({ command: 'redrive', service: 'crm' });
    });

    it('refuses one missing, one not among the accepted words, and one too many', () => {
      expect(refusal(() => dlq(['list']))).toMatch(/^dlq: missing <service> \(one of: crm, invoice\)\n/);
      expect(refusal(() => dlq(['show', 'crm']))).toMatch(/^dlq: unknown command "show" \(one of: list, redrive\)\n/);
      expect(refusal(() => dlq(['list', 'crm', 'now']))).toMatch(/^dlq: unexpected argument "now"\n/);
    });

    it('refuses any for a command that takes none', () => {
      expect(refusal(() => parseCommandLine({ command: 'types', usage: 'usage: types' }, ['x']))).toMatch(/^types: unexpected argument "x"\n/);
    });
  });

  it('refuses, through the command line it returned, a problem only the command sees', () => {
    const commandLine = demo(['--quick']);
    expect(refusal(() => commandLine.refuse('--quick and --url exclude each other'))).toMatch(/^demo: --quick and --url exclude each other\n/);
  });
});
