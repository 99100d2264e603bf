import type { NextFunction, Request, Response } from 'express';
import { sleep } from '../core/clock';
import { SandboxRuntime } from '../sandbox-runtime';
import { redactHeaders } from '../admin/request-log';
import {
  ApiContext,
  SandboxRequest,
  problem,
  sendXero,
  serverErrorResult,
} from './xero-http';

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

/** "TokenExpired: token expired at 12/10/2020 22:53:47", as Xero words it. */
function expiredDetail(at: number): string {
  const d = new Date(at);
  return `TokenExpired: token expired at ${pad(d.getUTCMonth() + 1)}/${pad(d.getUTCDate())}/${d.getUTCFullYear()} ${pad(
    d.getUTCHours(),
  )}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
}

/** Scope an Accounting API call needs, by path and method (undefined: not a route the sandbox serves). */
export function requiredScopes(
  method: string,
  path: string,
): string[] | undefined {
  const p = path.toLowerCase();
  if (/^\/contacts(\/|$)/.test(p))
    return method === 'GET'
      ? ['accounting.contacts', 'accounting.contacts.read']
      : ['accounting.contacts'];
  if (/^\/organisation\/?$/.test(p))
    return method === 'GET'
      ? ['accounting.settings', 'accounting.settings.read']
      : ['accounting.settings'];
  return undefined;
}

function header(req: Request, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/**
 * Everything an Accounting API (or connections) call goes through before its controller, in Xero's order:
 * request log, bearer token (401), tenant granted to the token (403), scope (401), forced 429s, the limits
 * (429 with X-Rate-Limit-Problem, and Retry-After except for the concurrent limit), then injected latency,
 * hangs and errors (a write's error is answered by its controller, under its Idempotency-Key).
 */
export function apiPipeline(
  rt: SandboxRuntime,
  kind: 'accounting' | 'connections',
) {
  return async (
    req: Request,
    res: Response,
    next: NextFunction,
  ): Promise<void> => {
    const sreq = req as SandboxRequest;
    const tenantHeader = header(req, 'xero-tenant-id')?.trim().toLowerCase();
    // Filled in once the token is known; the request log reads it when the reply is done.
    const seen: { ctx?: ApiContext } = {};
    let logged = false;
    const log = () => {
      if (logged) return;
      logged = true;
      const url = new URL(req.originalUrl, 'http://sandbox');
      rt.requestLog.add({
        at: new Date(rt.clock.now()).toISOString(),
        tenantId: tenantHeader ?? null,
        method: req.method,
        path: url.pathname,
        query: { ...(req.query as Record<string, unknown>) },
        headers: redactHeaders(req.headers),
        body: sreq.rawBody?.length ? req.body : undefined,
        status:
          res.writableFinished || seen.ctx?.outcome === 'lost-reply'
            ? res.statusCode
            : null,
        responseBody:
          req.method === 'GET' && res.statusCode < 400
            ? undefined
            : seen.ctx?.responseBody,
        outcome: seen.ctx?.outcome,
      });
    };
    res.on('finish', log);
    res.on('close', log);

    const check = rt.oauth.checkAccessToken(header(req, 'authorization'));
    if (!check.ok) {
      res.setHeader(
        'WWW-Authenticate',
        check.reason === 'expired'
          ? 'Bearer error="invalid_token", error_description="The token expired"'
          : 'Bearer',
      );
      res
        .status(401)
        .json(
          problem(
            401,
            check.reason === 'expired'
              ? expiredDetail(check.expiredAt)
              : 'AuthenticationUnsuccessful',
          ),
        );
      return;
    }
    const token = check.token;
    const providerName =
      rt.oauth.getClient(token.clientId)?.name ?? 'Sandbox App';
    const ctx: ApiContext = { token, providerName };
    seen.ctx = ctx;
    sreq.xero = ctx;
    if (kind === 'connections') return next();

    const organisation = tenantHeader
      ? rt.getOrganisation(tenantHeader)
      : undefined;
    if (
      !tenantHeader ||
      !organisation ||
      !rt.oauth.hasConnection(token, tenantHeader)
    ) {
      res.status(403).json(problem(403, 'AuthenticationUnsuccessful'));
      return;
    }
    ctx.organisation = organisation;
    const scopes = requiredScopes(req.method, req.path);
    if (scopes && !scopes.some((s) => token.scope.includes(s))) {
      res.status(401).json(problem(401, 'AuthorizationUnsuccessful'));
      return;
    }

    const tenantId = organisation.tenantId;
    const forced = rt.faults.beforeAdmission(tenantId);
    const admission = forced
      ? ({
          ok: false,
          problem: forced.problem,
          retryAfterSec: forced.retryAfterSec,
          headers: rt.limiter.headers(tenantId, token.clientId),
        } as const)
      : rt.limiter.admit(tenantId, token.clientId);
    for (const [k, v] of Object.entries(admission.headers)) res.setHeader(k, v);
    if (!admission.ok) {
      ctx.outcome = forced
        ? `forced-429-${admission.problem}`
        : `429-${admission.problem}`;
      // Xero sends Retry-After only for the minute, app-minute and day limits, never for the
      // concurrent limit (its limits guide); X-Rate-Limit-Problem always names the limit. The body is empty.
      if (admission.problem !== 'concurrent')
        res.setHeader('Retry-After', String(admission.retryAfterSec));
      res.setHeader('X-Rate-Limit-Problem', admission.problem);
      res.status(429).end();
      return;
    }
    res.on('finish', admission.release);
    res.on('close', admission.release);

    const fault = rt.faults.afterAdmission(tenantId);
    if (fault.latencyMs > 0) await sleep(rt.clock, fault.latencyMs);
    if (res.destroyed) return;
    if (fault.hang) {
      ctx.outcome = 'hung';
      rt.hungResponses.add(res);
      res.on('close', () => rt.hungResponses.delete(res));
      return;
    }
    if (fault.error) {
      if (req.method !== 'GET') {
        // A write: the controller answers the error, so an Idempotency-Key remembers it.
        ctx.injectedError = {
          status: fault.error,
          when: fault.errorAfterWrite ? 'after-write' : 'before-write',
        };
        return next();
      }
      ctx.outcome = `injected-${fault.error}`;
      sendXero(req, res, serverErrorResult(fault.error));
      return;
    }
    if (fault.lostReply) ctx.lostReply = true;
    next();
  };
}
