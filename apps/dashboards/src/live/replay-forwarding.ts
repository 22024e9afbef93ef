import { HttpException, Injectable, MessageEvent, OnModuleDestroy } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import { Observable } from 'rxjs';
import { ServiceName } from '@ensemble/config';
import type { ReplayProgress } from '@ensemble/replay';
import { ServiceAnswer, ServiceApi } from './service-api';

const PROGRESS_INTERVAL_MS = 500;

/**
 * The replays of a consuming service, through its admin API (`/admin/replay`), with the
 * Authorization header the page sent: the live view holds no token of its own.
 */
@Injectable()
export class ReplayForwarding implements OnModuleDestroy {
  /** Aborted on shutdown: progress streams end then, so that closing the HTTP server does not wait for replays to finish. */
  private readonly closing = new AbortController();

  constructor(private readonly services: ServiceApi) {}

  onModuleDestroy(): void {
    this.closing.abort();
  }

  /** `request`: `{}` rebuilds from the beginning; `from` and `to` as the admin API takes them. */
  start(service: ServiceName, authorization: string | undefined, request: unknown): Promise<ServiceAnswer> {
    return this.services.send(service, '/admin/replay', { method: 'POST', headers: { authorization }, body: request ?? {} });
  }

  list(service: ServiceName, authorization: string | undefined): Promise<ServiceAnswer> {
    return this.services.send(service, '/admin/replay', { method: 'GET', headers: { authorization } });
  }

  find(service: ServiceName, id: string, authorization: string | undefined): Promise<ServiceAnswer> {
    return this.services.send(service, `/admin/replay/${encodeURIComponent(id)}`, { method: 'GET', headers: { authorization } });
  }

  cancel(service: ServiceName, id: string, authorization: string | undefined): Promise<ServiceAnswer> {
    return this.services.send(service, `/admin/replay/${encodeURIComponent(id)}`, { method: 'DELETE', headers: { authorization } });
  }

  /**
   * The replay's progress as a stream, until it has ended. The service only answers when asked, so
   * this asks it twice a second for the page. A refusal before the first progress (a wrong token, an
   * unknown id) is the stream's HTTP answer; one later ends the stream with an `error` event.
   */
  progress(service: ServiceName, id: string, authorization: string | undefined): Observable<MessageEvent> {
    return new Observable<MessageEvent>((subscriber) => {
      const left = new AbortController();
      const ended = AbortSignal.any([left.signal, this.closing.signal]);
      void (async () => {
        for (let first = true; !ended.aborted; first = false) {
          const answer = await this.find(service, id, authorization);
          if (answer.status !== 200) {
            if (first) throw new HttpException(answer.body as object, answer.status);
            subscriber.next({ type: 'error', data: answer.body as object });
            return subscriber.complete();
          }
          const progress = answer.body as ReplayProgress;
          subscriber.next({ type: 'progress', data: progress });
          if (progress.finishedAt) return subscriber.complete();
          await sleep(PROGRESS_INTERVAL_MS, undefined, { signal: ended }).catch(() => undefined);
        }
        subscriber.complete();
      })().catch((error: unknown) => subscriber.error(error));
      return () => left.abort();
    });
  }
}
