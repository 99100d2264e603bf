import { LoggerService } from '@nestjs/common';
import type { MessagingLogger } from '@pos/messaging';
import pino from 'pino';
import { RequestContext } from './request-context';

/** Structured JSON logs; every line carries the correlation id of the request or message being handled. */
export function createLogger(level: string, service: string): pino.Logger {
  return pino({
    level,
    base: { service },
    mixin: () => {
      const correlationId = RequestContext.correlationId();
      return correlationId ? { correlationId } : {};
    },
    redact: { paths: ['req.headers.authorization', '*.apiKey', '*.password', '*.token', '*.access_token', '*.refresh_token'], censor: '[redacted]' },
  });
}

/** NestJS's start-up chatter (one line per module and route) is debug detail, not news. */
const BOOT_CONTEXTS = new Set(['NestFactory', 'InstanceLoader', 'RoutesResolver', 'RouterExplorer', 'NestApplication']);

/** Lets NestJS write its own messages through pino. */
export class PinoNestLogger implements LoggerService {
  constructor(private readonly logger: pino.Logger) {}
  log(message: unknown, context?: string) {
    if (context && BOOT_CONTEXTS.has(context)) this.logger.debug({ context }, String(message));
    else this.logger.info({ context }, String(message));
  }
  error(message: unknown, trace?: string, context?: string) {
    this.logger.error({ context, trace }, String(message));
  }
  warn(message: unknown, context?: string) {
    this.logger.warn({ context }, String(message));
  }
  debug(message: unknown, context?: string) {
    this.logger.debug({ context }, String(message));
  }
  verbose(message: unknown, context?: string) {
    this.logger.trace({ context }, String(message));
  }
}

/** The messaging library's logger interface on top of pino. */
export function messagingLogger(logger: pino.Logger): MessagingLogger {
  return {
    info: (m, meta) => logger.info(meta ?? {}, m),
    warn: (m, meta) => logger.warn(meta ?? {}, m),
    error: (m, meta) => logger.error(meta ?? {}, m),
  };
}
