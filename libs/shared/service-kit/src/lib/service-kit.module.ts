import { DynamicModule, Global, MiddlewareConsumer, Module, NestModule } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { TerminusModule } from '@nestjs/terminus';
import type pino from 'pino';
import { HealthController } from './health.controller';
import { ErrorMapper } from './http/error-body';
import { CorrelationIdMiddleware } from './http/correlation-id.middleware';
import { ERROR_MAPPERS, HttpErrorFilter } from './http/http-error.filter';
import { LOGGER, RequestLoggingMiddleware } from './http/request-logging';
import { MetricsController } from './metrics.controller';
import { HttpMetricsMiddleware } from './metrics/http-metrics.middleware';
import { ServiceMetrics } from './metrics/service-metrics';

export interface ServiceKitOptions {
  logger: pino.Logger;
  /** The service's own error mappers (its domain errors), tried before the platform's. */
  errorMappers?: readonly ErrorMapper[];
}

/**
 * What both services share on the HTTP side: the error filter and its body shape, correlation ids,
 * one log line and the metrics of every request, `GET /health/live|ready` and `GET /metrics`.
 * The validation pipe is set up by `configureServiceApp` (pipes are global to the app).
 */
@Global()
@Module({})
export class ServiceKitModule implements NestModule {
  static forRoot(opts: ServiceKitOptions): DynamicModule {
    return {
      module: ServiceKitModule,
      imports: [TerminusModule.forRoot({ logger: false })],
      controllers: [HealthController, MetricsController],
      providers: [
        { provide: LOGGER, useValue: opts.logger },
        { provide: ERROR_MAPPERS, useValue: opts.errorMappers ?? [] },
        { provide: APP_FILTER, useClass: HttpErrorFilter },
        ServiceMetrics,
        CorrelationIdMiddleware,
        RequestLoggingMiddleware,
        HttpMetricsMiddleware,
      ],
      exports: [LOGGER, ServiceMetrics],
    };
  }

  configure(consumer: MiddlewareConsumer) {
    consumer.apply(CorrelationIdMiddleware, RequestLoggingMiddleware, HttpMetricsMiddleware).forRoutes('{*splat}');
  }
}
