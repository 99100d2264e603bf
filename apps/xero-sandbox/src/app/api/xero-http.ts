import type { Request, Response } from 'express';
import { newId } from '../core/ids';
import { msDate } from '../core/ms-date';
import type { AccessTokenRecord } from '../oauth/oauth-server';
import type { Organisation } from '../organisations/organisation';

/** What the API pipeline learned about a call, for the controllers. */
export interface ApiContext {
  token: AccessTokenRecord;
  /** The organisation of the `xero-tenant-id` header (Accounting API calls only). */
  organisation?: Organisation;
  providerName: string;
  /** Injected fault: process the call, then drop the reply. */
  lostReply?: boolean;
  /**
   * Injected server error on a write, applied by the controller so that an `Idempotency-Key` remembers it:
   * `before-write` answers without writing, `after-write` writes, then answers the error.
   */
  injectedError?: { status: 500 | 503; when: 'before-write' | 'after-write' };
  /** Set by `sendXero`, read by the request log. */
  responseBody?: unknown;
  outcome?: string;
}

export type SandboxRequest = Request & { rawBody?: Buffer; xero?: ApiContext };

export function apiContext(req: Request): ApiContext {
  const ctx = (req as SandboxRequest).xero;
  if (!ctx)
    throw new Error('API context missing: the API pipeline did not run');
  return ctx;
}

export interface XeroResult {
  status: number;
  body: unknown;
  contentType?: 'json' | 'text';
}

/** The envelope Xero wraps Accounting API replies in (see the examples in xero_accounting.yaml). */
export function envelope(
  providerName: string,
  now: number,
  rest: Record<string, unknown>,
): Record<string, unknown> {
  return {
    Id: newId(),
    Status: 'OK',
    ProviderName: providerName,
    DateTimeUTC: msDate(now),
    ...rest,
  };
}

export function validationException(
  elements: unknown[],
): Record<string, unknown> {
  return {
    ErrorNumber: 10,
    Type: 'ValidationException',
    Message: 'A validation exception occurred',
    Elements: elements,
  };
}

export function queryParseException(message: string): Record<string, unknown> {
  return { ErrorNumber: 16, Type: 'QueryParseException', Message: message };
}

export function postDataInvalid(message: string): Record<string, unknown> {
  return {
    ErrorNumber: 17,
    Type: 'PostDataInvalidException',
    Message: message,
  };
}

/** Xero's plain-text bodies for a 500 and a 503. */
export function serverErrorResult(status: 500 | 503): XeroResult {
  return {
    status,
    body:
      status === 500
        ? 'An error occurred in Xero. Check the API Status page http://status.developer.xero.com for current service status.'
        : 'The Xero API is temporarily unavailable. Please try again later.',
    contentType: 'text',
  };
}

/** Runs a write under the injected server error the pipeline chose for it, if any. */
export function withInjectedError(
  ctx: ApiContext,
  exec: () => XeroResult,
): () => XeroResult {
  const fault = ctx.injectedError;
  if (!fault) return exec;
  return () => {
    if (fault.when === 'before-write') {
      ctx.outcome = `injected-${fault.status}`;
      return serverErrorResult(fault.status);
    }
    exec();
    ctx.outcome = `injected-${fault.status}-after-write`;
    return serverErrorResult(fault.status);
  };
}

export const NOT_FOUND_TEXT = "The resource you're looking for cannot be found";

/** RFC 7807 problem details, the shape of Xero's 401/403 replies. */
export function problem(
  status: 401 | 403,
  detail: string,
): Record<string, unknown> {
  return {
    Type: null,
    Title: status === 401 ? 'Unauthorized' : 'Forbidden',
    Status: status,
    Detail: detail,
    Instance: newId(),
    Extensions: {},
  };
}

/** Sends an Accounting API reply, honouring the "lost reply" fault and recording the body for the log. */
export function sendXero(
  req: Request,
  res: Response,
  result: XeroResult,
): void {
  const ctx = (req as SandboxRequest).xero;
  if (ctx) ctx.responseBody = result.body;
  if (ctx?.lostReply) {
    ctx.outcome = 'lost-reply';
    res.statusCode = result.status;
    req.socket.destroy();
    return;
  }
  res.setHeader('Xero-Correlation-Id', newId());
  if (result.contentType === 'text' || typeof result.body === 'string') {
    res
      .status(result.status)
      .type('text/plain; charset=utf-8')
      .send(String(result.body));
  } else {
    res.status(result.status).json(result.body);
  }
}
