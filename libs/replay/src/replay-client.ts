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

/** A client of a service's `/admin/replay` API: what `npm run replay`, specs and benchmarks drive replays with. */
export class ReplayClient {
  constructor(
    readonly baseUrl: string,
    private readonly adminToken: string,
  ) {}

  /** No `from` or `to`: a rebuild from the beginning. */
  start(request: { from?: string; to?: string } = {}): Promise<ReplayProgress> {
    return this.call('POST', '', request);
  }

  get(id: string): Promise<ReplayProgress> {
    return this.call('GET', `/${id}`);
  }

  list(): Promise<ReplayProgress[]> {
    return this.call('GET', '');
  }

  cancel(id: string): Promise<ReplayProgress> {
    return this.call('DELETE', `/${id}`);
  }

  /**
   * Polls until the replay has ended (done, failed or cancelled), passing each progress to
   * `onProgress`. A service that does not answer for a while is waited for; one that answers with
   * a client error (e.g. 404: it restarted and no longer knows the replay) ends the wait.
   */
  waitUntilFinished(id: string, onProgress: (progress: ReplayProgress) => void = () => undefined, intervalMs = 250): Promise<ReplayProgress> {
    return pollUntil(
      async () => {
        const progress = await this.get(id);
        onProgress(progress);
        return progress.finishedAt ? progress : undefined;
      },
      { intervalMs, description: `replay ${id} at ${this.baseUrl} to finish` },
    );
  }

  private async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await fetch(`${this.baseUrl}/admin/replay${path}`, {
      method,
      headers: { authorization: `Bearer ${this.adminToken}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    const answer = await response.json();
    if (!response.ok) throw new ReplayApiError(response.status, answer as ApiErrorBody);
    return answer as T;
  }
}
