import { setTimeout as sleep } from 'node:timers/promises';
import type { ApiErrorBody } from '@ensemble/http';
import type { ReplayProgress } from './replay';

/** An answer of the admin API other than 2xx, with its JSON error body. */
export class ReplayApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: ApiErrorBody,
  ) {
    super(`${status} ${body.error?.code}: ${body.error?.message}`);
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

  /** Polls until the replay has ended (done, failed or cancelled), passing each progress to `onProgress`. */
  async waitUntilFinished(id: string, onProgress: (progress: ReplayProgress) => void = () => undefined, intervalMs = 250): Promise<ReplayProgress> {
    for (;;) {
      const progress = await this.get(id);
      onProgress(progress);
      if (progress.finishedAt) return progress;
      await sleep(intervalMs);
    }
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
