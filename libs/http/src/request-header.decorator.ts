import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import { Request } from 'express';

/** One request header by name, which unlike Nest's `@Headers` can go through a validation pipe. */
export const RequestHeader = createParamDecorator((name: string, context: ExecutionContext) =>
  context.switchToHttp().getRequest<Request>().header(name),
);
