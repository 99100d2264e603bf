export * from './lib/config';
export * from './lib/amqp.module';
export * from './lib/health.controller';
export * from './lib/logger';
export * from './lib/metrics.controller';
export * from './lib/request-context';
