import { Injectable, NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { RequestContext } from '../request-context';

export const CORRELATION_HEADER = 'X-Correlation-Id';
/** A caller's id is kept when it is short and plain (it ends up in logs and message headers). */
const ACCEPTED = /^[\w.-]{1,128}$/;

/** Runs every request inside its correlation id: the caller's `X-Correlation-Id`, else a new one; returned in the response. */
@Injectable()
export class CorrelationIdMiddleware implements NestMiddleware {
  use(req: Request, res: Response, next: NextFunction) {
    const header = req.headers['x-correlation-id'];
    const given = typeof header === 'string' && ACCEPTED.test(header) ? header : undefined;
    RequestContext.run(given, () => {
      res.setHeader(CORRELATION_HEADER, RequestContext.correlationId() ?? '');
      next();
    });
  }
}
