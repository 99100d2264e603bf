import { ArgumentsHost, BadRequestException, Catch, ExceptionFilter, HttpException, HttpStatus, Logger, ValidationError } from '@nestjs/common';
import { DomainError, DomainErrorCode } from '@pos/customers-domain';
import type { Response } from 'express';

/** The one place where domain rules become HTTP status codes. */
const STATUS_OF: Record<DomainErrorCode, number> = {
  'CUSTOMER.NAME_REQUIRED': HttpStatus.BAD_REQUEST,
  'CUSTOMER.NAME_TOO_LONG': HttpStatus.BAD_REQUEST,
  'CUSTOMER.CODE_TAKEN': HttpStatus.CONFLICT,
  'CUSTOMER.NOT_FOUND': HttpStatus.NOT_FOUND,
  'CUSTOMER.VERSION_MISMATCH': HttpStatus.PRECONDITION_FAILED,
  'CUSTOMER.NOTHING_TO_PUSH': HttpStatus.CONFLICT,
  'XERO.NOT_CONNECTED': HttpStatus.CONFLICT,
  'IMPORT.NOT_FOUND': HttpStatus.NOT_FOUND,
  'IMPORT.ALREADY_RUNNING': HttpStatus.CONFLICT,
  'IMPORT.FINISHED': HttpStatus.CONFLICT,
};

export interface ErrorBody {
  statusCode: number;
  error: string;
  message: string;
  details?: unknown;
}

function body(statusCode: number, message: string, details?: unknown): ErrorBody {
  const error = (HttpStatus[statusCode] ?? 'Error')
    .toLowerCase()
    .split('_')
    .map((w) => w[0].toUpperCase() + w.slice(1))
    .join(' ');
  return details === undefined ? { statusCode, error, message } : { statusCode, error, message, details };
}

/** Flattens class-validator errors into `[{field, problems}]` with dotted paths. */
export function validationDetails(errors: ValidationError[], prefix = ''): { field: string; problems: string[] }[] {
  return errors.flatMap((e) => {
    const field = prefix ? `${prefix}.${e.property}` : e.property;
    const own = e.constraints ? [{ field, problems: Object.values(e.constraints) }] : [];
    return [...own, ...validationDetails(e.children ?? [], field)];
  });
}

export function validationException(errors: ValidationError[]): BadRequestException {
  const details = validationDetails(errors);
  const message = details.map((d) => d.problems.join('; ')).join('; ') || 'invalid request';
  return new BadRequestException(body(400, message, details));
}

@Catch()
export class HttpErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('HttpErrorFilter');

  catch(exception: unknown, host: ArgumentsHost) {
    const res = host.switchToHttp().getResponse<Response>();
    const out = this.toBody(exception);
    if (out.statusCode >= 500) this.logger.error(exception instanceof Error ? exception.stack : String(exception));
    res.status(out.statusCode).json(out);
  }

  private toBody(exception: unknown): ErrorBody {
    if (exception instanceof DomainError) {
      return body(STATUS_OF[exception.code] ?? 400, exception.message, { code: exception.code, ...exception.details });
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const r = exception.getResponse();
      if (typeof r === 'object' && r && 'statusCode' in r && 'message' in r && 'error' in r) {
        const m = (r as { message: unknown }).message;
        return { ...(r as ErrorBody), message: Array.isArray(m) ? m.join('; ') : String(m) };
      }
      return body(status, typeof r === 'string' ? r : exception.message);
    }
    // Errors raised by express's body parser before any handler ran.
    const e = exception as { type?: string; status?: number; message?: string; code?: number };
    if (e?.type === 'entity.too.large') return body(413, 'request body is larger than 1 MB');
    if (e?.type === 'entity.parse.failed') return body(400, 'request body is not valid JSON');
    if (e?.status && e.status >= 400 && e.status < 500) return body(e.status, e.message ?? 'bad request');
    return body(500, 'internal error');
  }
}
