/** Start-up configuration is wrong: the message names every bad variable and what it should hold. */
export class ConfigurationError extends Error {
  constructor(readonly problems: ReadonlyArray<{ variable: string; problem: string }>) {
    super(
      'Invalid configuration:\n' +
        problems.map(({ variable, problem }) => `  ${variable}: ${problem}`).join('\n'),
    );
    this.name = 'ConfigurationError';
  }
}
