import { EnsembleError } from '@ensemble/retry';

/** A part of the local infrastructure failed: says which part, what happened and where its log is. Waiting longer does not help. */
export class InfraError extends EnsembleError {
  constructor(
    readonly component: string,
    message: string,
    readonly logFile?: string,
  ) {
    super(`${component}: ${message}${logFile ? `\n  log: ${logFile}` : ''}`, { retriable: false });
  }
}
