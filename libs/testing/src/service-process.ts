import type { ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ProcessName } from '@ensemble/config';
import { spawnService, waitUntilHealthy } from '@ensemble/process';
import { EnsembleError, WaitTimedOut } from '@ensemble/retry';

const ROOT = join(__dirname, '..', '..', '..');

/** Terminus's answer: each part's status, with a message when it is down. */
interface HealthBody {
  details?: Record<string, { status: string; message?: string }>;
}

/** A service that ended while it was starting: how it ended, and what it wrote meanwhile (a configuration error, say). */
export class ServiceExited extends EnsembleError {
  constructor(
    readonly service: string,
    readonly exitCode: number | null,
    readonly signal: NodeJS.Signals | null,
    readonly output: string,
    readonly logFile: string,
  ) {
    super(`${service} exited with ${exitCode ?? signal} while starting; see ${logFile}`, { retriable: false });
  }
}

/**
 * A service running as its own OS process from `dist/` (built by the test run's global setup), the
 * way it runs in production, so that a spec can SIGKILL it. Output goes to .ensemble/test-logs/.
 */
export class ServiceProcess {
  private constructor(
    readonly name: string,
    readonly url: string,
    private readonly child: ChildProcess,
    readonly logFile: string,
  ) {}

  /**
   * Starts the service and waits until `/health` says it is ready, or with `ready: false` only until
   * it answers at all (for a spec that starts it without one of its dependencies). A service that
   * exits meanwhile rejects the start with {@link ServiceExited}.
   */
  static async start(
    service: ProcessName,
    options: { port: number; name?: string; env?: Record<string, string>; nodeArgs?: string[]; ready?: boolean },
  ): Promise<ServiceProcess> {
    const name = options.name ?? service;
    const logFile = join(ROOT, '.ensemble', 'test-logs', `${name}.log`);
    // The log is appended to across runs; what this start wrote begins here.
    const logStart = existsSync(logFile) ? statSync(logFile).size : 0;
    const child = spawnService(service, { port: options.port, env: options.env, nodeArgs: options.nodeArgs, logFile });
    // A spec that fails before its afterAll, or a run cut short, must not leave the service behind.
    const killOnExit = () => child.kill('SIGKILL');
    process.on('exit', killOnExit);
    child.once('exit', () => process.off('exit', killOnExit));
    const started = new ServiceProcess(name, `http://127.0.0.1:${options.port}`, child, logFile);
    await started.waitUntilStarted(options.ready ?? true, logStart);
    return started;
  }

  get pid(): number {
    return this.child.pid!;
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** SIGKILL: no shutdown hook runs, nothing is flushed; what a crash looks like. */
  kill(): Promise<void> {
    return this.signal('SIGKILL');
  }

  /** SIGTERM: a graceful stop. */
  stop(): Promise<void> {
    return this.signal('SIGTERM');
  }

  private async signal(signal: NodeJS.Signals): Promise<void> {
    if (!this.running) return;
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.kill(signal);
    await exited;
  }

  /** GET /health: 200 when ready, 503 naming what is missing. */
  async health(): Promise<{ status: number; body: HealthBody }> {
    const response = await fetch(`${this.url}/health`);
    return { status: response.status, body: (await response.json()) as HealthBody };
  }

  // Long enough for a start while the broker or the database restarts (the crash test does both).
  private async waitUntilStarted(ready: boolean, logStart: number, timeoutMs = 90_000): Promise<void> {
    const exited = new AbortController();
    const exitedWhileStarting = (code: number | null, signal: NodeJS.Signals | null) =>
      exited.abort(new ServiceExited(this.name, code, signal, readFileSync(this.logFile).subarray(logStart).toString(), this.logFile));
    this.child.once('exit', exitedWhileStarting);
    try {
      await waitUntilHealthy(this.name, this.url, { ready, timeoutMs, signal: exited.signal });
    } catch (error) {
      if (!(error instanceof WaitTimedOut)) throw error;
      await this.kill();
      throw new Error(`${this.name} was not healthy after ${timeoutMs} ms; see ${this.logFile}`, { cause: error });
    } finally {
      this.child.off('exit', exitedWhileStarting);
    }
  }
}
