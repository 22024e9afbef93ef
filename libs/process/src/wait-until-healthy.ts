import { pollUntil } from '@ensemble/retry';

/** How long one `GET /health` may take: a health check answers at once, or not at all. */
const HEALTH_ANSWER_MS = 2_000;

export interface HealthWaitOptions {
  timeoutMs: number;
  /** False: until `/health` answers at all, whatever it says (a service started without one of its dependencies). */
  ready?: boolean;
  /** Ends the wait at once with its reason: the process exited, or the caller is stopping. */
  signal?: AbortSignal;
}

/**
 * Waits until the service at `url` answers `GET /health` with 200, or with `ready: false` with
 * anything. A refused connection (not listening yet) counts as not yet; at the deadline the wait
 * throws `WaitTimedOut` naming the service and the last answer or error.
 */
export async function waitUntilHealthy(service: string, url: string, { timeoutMs, ready = true, signal }: HealthWaitOptions): Promise<void> {
  const answered = async () => {
    // A service that takes the connection and never answers counts as not yet, instead of holding the wait.
    const answerBy = AbortSignal.timeout(HEALTH_ANSWER_MS);
    const response = await fetch(`${url}/health`, { signal: signal ? AbortSignal.any([signal, answerBy]) : answerBy });
    return response.ok || !ready;
  };
  await pollUntil(answered, { intervalMs: 100, timeoutMs, signal, description: `${service} to answer ${ready ? 'healthy' : 'at all'} on ${url}/health` });
}
