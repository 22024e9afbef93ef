import { NextFunction, Request, Response } from 'express';
import { ApiErrorBody } from './api-error';

/**
 * Answers 408 and closes the connection when a request's body has not fully arrived `timeoutMs`
 * after it started: a client trickling its body would otherwise hold a connection and a parser for
 * as long as Node allows (300 s). Node's own requestTimeout is checked only every 30 s.
 */
export function cutOffSlowRequests(timeoutMs: number) {
  return (request: Request, response: Response, next: NextFunction): void => {
    const timer = setTimeout(() => {
      if (request.complete || response.headersSent) return;
      const body: ApiErrorBody = { error: { status: 408, code: 'request_timeout', message: `The request body did not arrive within ${timeoutMs} ms` } };
      response.setHeader('Connection', 'close');
      response.status(408).json(body);
      // A graceful close once the answer is out: destroying the socket with unread input would reset it, and the client might lose the answer.
      response.once('finish', () => request.socket.end());
    }, timeoutMs);
    const clear = () => clearTimeout(timer);
    request.once('end', clear);
    request.once('close', clear);
    response.once('finish', clear);
    next();
  };
}
