import type { ApiErrorBody } from '@ensemble/http';
import { EnsembleError, pollUntil } from '@ensemble/retry';
import type { ReplayProgress } from './replay';

/** An answer of the admin API other than 2xx, with its JSON error body; asking again can help only after a server error. */
export class ReplayApiError extends EnsembleError {
  constructor(
    readonly status: number,
    readonly body: ApiErrorBody,
  ) {
    super(`${status} ${body.error?.code}: ${body.error?.message}`, { retriable: status >= 500 });
  }
}

/**
 * A client of a service's `/admin/replay` API: what `npm run replay`, the console, specs and
 * benchmarks drive replays with. `credentials` is the admin token, or an Authorization header to
 * pass on as it came (the console forwards its page's and holds no token of its own).
 */
export class ReplayClient {
  private readonly authorization: string | undefined;

  constructor(
    readonly baseUrl: string,
    credentials: string | { authorization: string | undefined },
  ) {
    this.authorization = typeof credentials === 'string' ? `Bearer ${credentials}` : credentials.authorization;
  }

  /** No `from` or `to`: a rebuild from the beginning. */
  start(request: { from?: string; to?: string } = {}): Promise<ReplayProgress> {
    return this.call('POST', '', request);
  }

  get(id: string): Promise<ReplayProgress> {
    return this.call('GET', `/${encodeURIComponent(id)}`);
  }

  list(): Promise<ReplayProgress[]> {
    return this.call('GET', '');
  }

  cancel(id: string): Promise<ReplayProgress> {
    return this.call('DELETE', `/${encodeURIComponent(id)}`);
  }

  /**
   * Polls until the replay has ended (done, failed or cancelled), passing each progress to
   * `onProgress`. A service that does not answer for a while is waited for; one that answers with
   * a client error (e.g. 404: it restarted and no longer knows the replay) ends the wait, and so
   * does an aborted `signal`.
   */
  waitUntilFinished(
    id: string,
    onProgress: (progress: ReplayProgress) => void = () => undefined,
    { intervalMs = 250, signal }: { intervalMs?: number; signal?: AbortSignal } = {},
  ): Promise<ReplayProgress> {
    return pollUntil(
      async () => {
        const progress = await this.get(id);
        onProgress(progress);
        return progress.finishedAt ? progress : undefined;
      },
      { intervalMs, signal, description: `replay ${id} at ${this.baseUrl} to finish` },
    );
  }

  private async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await fetch(`${this.baseUrl}/admin/replay${path}`, {
      method,
      headers: { ...(this.authorization ? { authorization: this.authorization } : {}), ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    }).catch((error: Error) => {
      // The service not answering at all is worth waiting for (it may be restarting); any answer is taken at its word.
      throw new EnsembleError(`cannot reach ${this.baseUrl}: ${(error.cause as Error | undefined)?.message ?? error.message}`, { retriable: true, cause: error });
    });
    const answer = await response.json();
    if (!response.ok) throw new ReplayApiError(response.status, answer as ApiErrorBody);
    return answer as T;
  }
}
