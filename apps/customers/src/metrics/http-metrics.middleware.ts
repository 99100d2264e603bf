import { Inject, Injectable, NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import type pino from 'pino';
import { RequestContext } from '@pos/service-kit';
import { MetricsService } from './metrics.service';

/** Counts and times every request, logs it, and runs it inside its correlation id. */
@Injectable()
export class HttpMetricsMiddleware implements NestMiddleware {
  constructor(
    private readonly metrics: MetricsService,
    @Inject('LOGGER') private readonly logger: pino.Logger,
  ) {}

  use(req: Request, res: Response, next: NextFunction) {
    const header = req.headers['x-correlation-id'];
    const given = typeof header === 'string' && /^[\w.-]{1,128}$/.test(header) ? header : undefined;
    RequestContext.run(given, () => {
      const correlationId = RequestContext.correlationId() ?? '';
      res.setHeader('X-Correlation-Id', correlationId);
      const start = process.hrtime.bigint();
      res.on('finish', () => {
        const route = (req.route?.path as string | undefined) ?? 'unmatched';
        const seconds = Number(process.hrtime.bigint() - start) / 1e9;
        this.metrics.httpRequests.inc({ method: req.method, route, status: String(res.statusCode) });
        this.metrics.httpDuration.observe({ method: req.method, route }, seconds);
        this.logger.info(
          { correlationId, method: req.method, url: req.originalUrl.split('?')[0], status: res.statusCode, ms: Math.round(seconds * 1000) },
          'request',
        );
      });
      next();
    });
  }
}
