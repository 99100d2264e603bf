import { Inject, Injectable, NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type pino from 'pino';
import { pinoHttp } from 'pino-http';
import { randomUUID } from 'node:crypto';
import { RequestContext } from '../request-context';

/**
 * One JSON line per request (pino-http): method, path without the query, status, time taken and
 * the correlation id. Headers are left out (they carry API keys).
 */
export function requestLogging(logger: pino.Logger): RequestHandler {
  const withCorrelationId = (req: { id?: unknown }, _res: unknown, val: object) => ({ ...val, correlationId: req.id });
  return pinoHttp({
    logger,
    genReqId: () => RequestContext.correlationId() ?? randomUUID(),
    serializers: {
      req: (req: { method?: string; url?: string }) => ({ method: req.method, url: String(req.url ?? '').split('?')[0] }),
      res: (res: { statusCode?: number }) => ({ statusCode: res.statusCode }),
    },
    customSuccessObject: withCorrelationId,
    customErrorObject: withCorrelationId,
    customSuccessMessage: () => 'request',
    customErrorMessage: () => 'request failed',
    customLogLevel: (_req: unknown, res: { statusCode: number }, err?: Error) => (err || res.statusCode >= 500 ? 'error' : 'info'),
  }) as unknown as RequestHandler;
}

/** The service's pino logger, injectable as `@Inject(LOGGER)`. */
export const LOGGER = 'LOGGER';

@Injectable()
export class RequestLoggingMiddleware implements NestMiddleware {
  private readonly handler: RequestHandler;

  constructor(@Inject(LOGGER) logger: pino.Logger) {
    this.handler = requestLogging(logger);
  }

  use(req: Request, res: Response, next: NextFunction) {
    this.handler(req, res, next);
  }
}
