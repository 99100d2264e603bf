import { Controller, Get, Post, Query, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { SandboxRuntime } from '../sandbox-runtime';
import { redactHeaders } from '../admin/request-log';
import { consentPage, errorPage } from './consent-page';
import { AuthorizeParams, OAuthError } from './oauth-server';

type Form = Record<string, string | undefined>;

function formOf(req: Request): Form | undefined {
  if (!req.is('application/x-www-form-urlencoded')) return undefined;
  const out: Form = {};
  for (const [k, v] of Object.entries(
    (req.body ?? {}) as Record<string, unknown>,
  )) {
    out[k] = Array.isArray(v)
      ? String(v[0])
      : typeof v === 'string'
        ? v
        : undefined;
  }
  return out;
}

function mask(form: Form): Form {
  const out: Form = { ...form };
  for (const k of [
    'code',
    'refresh_token',
    'client_secret',
    'token',
    'code_verifier',
  ]) {
    if (out[k]) out[k] = `…${String(out[k]).slice(-6)}`;
  }
  return out;
}

/** Xero's identity endpoints (login.xero.com / identity.xero.com), served on the sandbox host. */
@Controller()
export class OAuthController {
  constructor(private readonly rt: SandboxRuntime) {}

  @Get('identity/connect/authorize')
  authorize(
    @Query() query: Record<string, unknown>,
    @Res() res: Response,
  ): void {
    const p: AuthorizeParams = {};
    for (const k of [
      'client_id',
      'redirect_uri',
      'response_type',
      'scope',
      'state',
      'code_challenge',
      'code_challenge_method',
      'tenant',
      'consent',
    ] as const) {
      const v = query[k];
      if (typeof v === 'string') p[k] = v;
    }
    const outcome = this.rt.oauth.authorize(p, this.rt.consentPage);
    if (outcome.kind === 'redirect') {
      res.redirect(302, outcome.location);
    } else if (outcome.kind === 'error-page') {
      res
        .status(outcome.status)
        .type('html')
        .send(errorPage(outcome.error, outcome.description));
    } else {
      const orgs = [...this.rt.organisations.values()].map((o) => ({
        tenantId: o.tenantId,
        name: o.name,
      }));
      res
        .status(200)
        .type('html')
        .send(
          consentPage(
            p,
            outcome.client,
            outcome.scope,
            orgs,
            outcome.tenantIds,
          ),
        );
    }
  }

  @Post('connect/token')
  token(@Req() req: Request, @Res() res: Response): void {
    const form = formOf(req);
    this.handle(req, res, form, (form) => {
      const tokens = this.rt.oauth.token(req.header('authorization'), form);
      res.setHeader('Cache-Control', 'no-store');
      res.status(200).json(tokens);
    });
  }

  @Post('connect/revocation')
  revocation(@Req() req: Request, @Res() res: Response): void {
    const form = formOf(req);
    this.handle(req, res, form, (form) => {
      this.rt.oauth.revoke(req.header('authorization'), form);
      res.status(200).end();
    });
  }

  /** OpenID discovery, so clients that discover the issuer (as xero-node does) find the sandbox endpoints. */
  @Get('.well-known/openid-configuration')
  discovery(): Record<string, unknown> {
    const base = this.rt.publicUrl;
    return {
      issuer: base,
      authorization_endpoint: `${base}/identity/connect/authorize`,
      token_endpoint: `${base}/connect/token`,
      revocation_endpoint: `${base}/connect/revocation`,
      response_types_supported: ['code'],
      grant_types_supported: ['authorization_code', 'refresh_token'],
      token_endpoint_auth_methods_supported: [
        'client_secret_basic',
        'client_secret_post',
      ],
      code_challenge_methods_supported: ['plain', 'S256'],
      scopes_supported: [
        'openid',
        'profile',
        'email',
        'offline_access',
        'accounting.contacts',
        'accounting.settings.read',
      ],
      id_token_signing_alg_values_supported: ['HS256'],
    };
  }

  /** Runs a form-posting endpoint (token, revocation): OAuth errors as Xero sends them, every call logged. */
  private handle(
    req: Request,
    res: Response,
    form: Form | undefined,
    fn: (form: Form) => void,
  ): void {
    try {
      if (!form)
        throw new OAuthError(
          'invalid_request',
          400,
          'The body must be application/x-www-form-urlencoded',
        );
      fn(form);
    } catch (e) {
      if (!(e instanceof OAuthError)) throw e;
      res.status(e.status).json({
        error: e.error,
        ...(e.description ? { error_description: e.description } : {}),
      });
    } finally {
      this.rt.requestLog.add({
        at: new Date(this.rt.clock.now()).toISOString(),
        tenantId: null,
        method: req.method,
        path: req.path,
        query: {},
        headers: redactHeaders(req.headers),
        body: form ? mask(form) : undefined,
        status: res.statusCode,
      });
    }
  }
}
