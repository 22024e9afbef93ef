import { HttpException, Inject, Injectable, MessageEvent, OnModuleDestroy } from '@nestjs/common';
import { Observable } from 'rxjs';
import { ProcessName, SERVICE_URLS, ServiceName } from '@ensemble/config';
import { ReplayApiError, ReplayClient, ReplayProgress } from '@ensemble/replay';
import { ServiceUnreachable } from './service-unreachable';

const PROGRESS_INTERVAL_MS = 500;

/**
 * The replays of a consuming service, through its admin API (`/admin/replay`) with the
 * Authorization header the page sent: the console holds no token of its own. A refusal of the
 * service is the page's answer, with the service's status and body.
 */
@Injectable()
export class ServiceReplays implements OnModuleDestroy {
  /** Aborted on shutdown: progress streams end then, so that closing the HTTP server does not wait for replays to finish. */
  private readonly closing = new AbortController();

  constructor(@Inject(SERVICE_URLS) private readonly urls: Record<ProcessName, string>) {}

  onModuleDestroy(): void {
    this.closing.abort();
  }

  /** `request`: `{}` rebuilds from the beginning; `from` and `to` as the admin API takes them, which checks them. */
  start(service: ServiceName, authorization: string | undefined, request: { from?: string; to?: string }): Promise<ReplayProgress> {
    return this.answer(service, authorization, (client) => client.start(request));
  }

  list(service: ServiceName, authorization: string | undefined): Promise<ReplayProgress[]> {
    return this.answer(service, authorization, (client) => client.list());
  }

  find(service: ServiceName, id: string, authorization: string | undefined): Promise<ReplayProgress> {
    return this.answer(service, authorization, (client) => client.get(id));
  }

  cancel(service: ServiceName, id: string, authorization: string | undefined): Promise<ReplayProgress> {
    return this.answer(service, authorization, (client) => client.cancel(id));
  }

  /**
   * The replay's progress as a stream, until it has ended. The service only answers when asked, so
   * the console asks it twice a second for the page. A refusal (a wrong token, an unknown id) ends
   * the stream with an `error` event carrying the error body: an event stream has answered 200 by then.
   */
  progress(service: ServiceName, id: string, authorization: string | undefined): Observable<MessageEvent> {
    return new Observable<MessageEvent>((subscriber) => {
      const left = new AbortController();
      const ended = AbortSignal.any([left.signal, this.closing.signal]);
      this.client(service, authorization)
        .waitUntilFinished(id, (progress) => subscriber.next({ type: 'progress', data: progress }), { intervalMs: PROGRESS_INTERVAL_MS, signal: ended })
        .catch((error: unknown) => {
          if (!ended.aborted) subscriber.next({ type: 'error', data: this.asAnswer(service, error).getResponse() as object });
        })
        .finally(() => subscriber.complete());
      return () => left.abort();
    });
  }

  private client(service: ServiceName, authorization: string | undefined): ReplayClient {
    return new ReplayClient(this.urls[service], { authorization });
  }

  private async answer<T>(service: ServiceName, authorization: string | undefined, call: (client: ReplayClient) => Promise<T>): Promise<T> {
    try {
      return await call(this.client(service, authorization));
    } catch (error) {
      throw this.asAnswer(service, error);
    }
  }

  /** The service's refusal, passed on as it came; no answer at all is the console's 502. */
  private asAnswer(service: ServiceName, error: unknown): HttpException {
    if (error instanceof ReplayApiError) return new HttpException(error.body, error.status);
    return new ServiceUnreachable(service, this.urls[service], error);
  }
}
