/** A part of the local infrastructure failed: says which part, what happened and where its log is. */
export class InfraError extends Error {
  constructor(
    readonly component: string,
    message: string,
    readonly logFile?: string,
  ) {
    super(`${component}: ${message}${logFile ? `\n  log: ${logFile}` : ''}`);
    this.name = 'InfraError';
  }
}
