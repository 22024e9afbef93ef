import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import type { Request } from 'express';
import { Observable } from 'rxjs';
import { routePattern } from '@ensemble/metrics';
import { nameRequestSpan } from '@ensemble/tracing';

/** Names each request's span after its route rather than its bare method, so that a trace reads `POST /payments`. */
@Injectable()
export class NameRequestSpan implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() === 'http') {
      const request = context.switchToHttp().getRequest<Request>();
      const route = routePattern(request);
      if (route) nameRequestSpan(request.method, route);
    }
    return next.handle();
  }
}
