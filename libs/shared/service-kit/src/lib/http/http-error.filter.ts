import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Inject, Logger, Optional } from '@nestjs/common';
import { StorageBusy } from '@pos/persistence';
import type { Response } from 'express';
import { Observable, throwError } from 'rxjs';
import { ErrorBody, ErrorMapper, ErrorReply, errorBody } from './error-body';

/** The error mappers of a service (its domain's rules), given to ServiceKitModule.forRoot. */
export const ERROR_MAPPERS = Symbol('ERROR_MAPPERS');

/**
 * Busy storage (the write helper gave up waiting for a document another writer holds): nothing was
 * written, and the same request will very likely go through shortly.
 */
function storageBusy(exception: unknown): ErrorReply | undefined {
  if (!(exception instanceof StorageBusy)) return undefined;
  return { body: errorBody(503, exception.message), headers: { 'Retry-After': String(exception.retryAfterSeconds) } };
}

/** Errors of the shared platform libraries, mapped the same way in every service. */
export const PLATFORM_ERROR_MAPPERS: readonly ErrorMapper[] = [storageBusy];

const MB = 1024 * 1024;
const size = (bytes: number) => (bytes >= MB && bytes % MB === 0 ? `${bytes / MB} MB` : `${bytes} bytes`);

/** What express's body parser raises before any handler runs. */
function bodyParserError(exception: unknown): ErrorReply | undefined {
  const e = exception as { type?: string; status?: number; message?: string; limit?: number } | null;
  if (e?.type === 'entity.too.large') {
    return { body: errorBody(413, e.limit ? `request body is larger than ${size(e.limit)}` : 'request body is too large') };
  }
  if (e?.type === 'entity.parse.failed') return { body: errorBody(400, 'request body is not valid JSON') };
  if (e?.status && e.status >= 400 && e.status < 500) return { body: errorBody(e.status, e.message ?? 'bad request') };
  return undefined;
}

function httpException(exception: unknown): ErrorReply | undefined {
  if (!(exception instanceof HttpException)) return undefined;
  const r = exception.getResponse();
  if (typeof r === 'object' && r && 'statusCode' in r && 'message' in r && 'error' in r) {
    const m = (r as { message: unknown }).message;
    return { body: { ...(r as ErrorBody), message: Array.isArray(m) ? m.join('; ') : String(m) } };
  }
  return { body: errorBody(exception.getStatus(), typeof r === 'string' ? r : exception.message) };
}

/**
 * Every error of either service leaves as `{statusCode, error, message, details?}`: the service's
 * own mappers first (its domain errors), then the platform's, then NestJS's HTTP exceptions and the
 * body parser's errors; anything else is a 500 that says nothing about the cause (which is logged).
 */
@Catch()
export class HttpErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('HttpErrorFilter');
  private readonly mappers: readonly ErrorMapper[];

  constructor(@Optional() @Inject(ERROR_MAPPERS) serviceMappers: readonly ErrorMapper[] = []) {
    this.mappers = [...serviceMappers, ...PLATFORM_ERROR_MAPPERS, httpException, bodyParserError];
  }

  catch(exception: unknown, host: ArgumentsHost): void | Observable<never> {
    // An app-wide filter also sees the errors of message handlers (@EventPattern): those go back,
    // unchanged, to the transport, which retries or dead-letters the message.
    if (host.getType() !== 'http') return throwError(() => exception);
    const res = host.switchToHttp().getResponse<Response>();
    const reply = this.toReply(exception);
    if (reply.body.statusCode >= 500) this.logger.error(exception instanceof Error ? exception.stack : String(exception));
    for (const [name, value] of Object.entries(reply.headers ?? {})) res.setHeader(name, value);
    res.status(reply.body.statusCode).json(reply.body);
  }

  toReply(exception: unknown): ErrorReply {
    for (const map of this.mappers) {
      const reply = map(exception);
      if (reply) return reply;
    }
    return { body: errorBody(500, 'internal error') };
  }
}
