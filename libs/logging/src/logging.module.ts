import { DynamicModule, LoggerService, Module, RequestMethod } from '@nestjs/common';
import { Logger as NestPinoLogger, LoggerModule, Params, PinoLogger } from 'nestjs-pino';
import type { Logger } from 'pino';

/**
 * nestjs-pino over the process's own logger, so that every line goes through one pino logger and
 * one stream; requests are logged by `logRequests`, mounted before every other middleware.
 */
function nestjsPinoParams(logger: Logger): Params {
  return { pinoHttp: { logger }, useExisting: true, forRoutes: [{ path: '{*path}', method: RequestMethod.ALL }] };
}

/**
 * Nest's logger over the process's pino logger: handed to `NestFactory.create`, so that every
 * `new Logger(context)` writes a JSON line, with `context`, from the first line of the start (a
 * start that fails before the app exists included). An object before the message becomes fields:
 * `logger.warn({ eventId, topic }, 'message')`. Once per process: nestjs-pino keeps the first logger
 * it is given for every line written outside a request.
 */
export function nestLoggerOver(logger: Logger): LoggerService {
  const params = nestjsPinoParams(logger);
  return new NestPinoLogger(new PinoLogger(params), params);
}

/**
 * Keeps each request's own logger (`logRequests` makes it) for what is logged while the request is
 * handled: those lines carry the request's method and path.
 */
@Module({})
export class LoggingModule {
  static forLogger(logger: Logger): DynamicModule {
    return { module: LoggingModule, imports: [LoggerModule.forRoot(nestjsPinoParams(logger))] };
  }
}
