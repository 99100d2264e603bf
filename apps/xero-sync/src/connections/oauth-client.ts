/** What Xero's token endpoint returns. */
export interface TokenSet {
  access_token: string;
  refresh_token: string;
  expires_in: number;
  token_type?: string;
  scope?: string;
  id_token?: string;
}

/** The token endpoint refused: `invalid_grant` means the refresh token (or code) is dead. */
export class OAuthError extends Error {
  constructor(
    readonly error: string,
    readonly status: number,
    description?: string,
  ) {
    super(`token endpoint: ${error}${description ? ` (${description})` : ''}`);
    this.name = 'OAuthError';
  }
}

/**
 * A small OAuth 2.0 client of our own for the token endpoint (xero-node hard-codes Xero's identity
 * host): HTTP Basic client authentication, form bodies, a timeout on every call.
 */
export class OAuthClient {
  constructor(
    private readonly opts: { tokenUrl: string; clientId: string; clientSecret: string; redirectUri: string; timeoutMs: number },
  ) {}

  exchangeCode(code: string): Promise<TokenSet> {
    return this.post({ grant_type: 'authorization_code', code, redirect_uri: this.opts.redirectUri });
  }

  refresh(refreshToken: string): Promise<TokenSet> {
    return this.post({ grant_type: 'refresh_token', refresh_token: refreshToken });
  }

  private async post(form: Record<string, string>): Promise<TokenSet> {
    const basic = Buffer.from(`${this.opts.clientId}:${this.opts.clientSecret}`).toString('base64');
    const res = await fetch(this.opts.tokenUrl, {
      method: 'POST',
      headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: new URLSearchParams(form).toString(),
      signal: AbortSignal.timeout(this.opts.timeoutMs),
    });
    const text = await res.text();
    let body: Record<string, unknown> = {};
    try {
      body = text ? JSON.parse(text) : {};
    } catch {
      /* not JSON */
    }
    if (!res.ok) throw new OAuthError(String(body['error'] ?? `http_${res.status}`), res.status, body['error_description'] as string | undefined);
    if (typeof body['access_token'] !== 'string' || typeof body['refresh_token'] !== 'string') {
      throw new OAuthError('no_refresh_token', res.status, 'the token set has no refresh token (is offline_access granted?)');
    }
    return body as unknown as TokenSet;
  }
}

/** The claims of a JWT access token (not verified: we only read our own token's authorisation id). */
export function jwtClaims(token: string): Record<string, unknown> {
  try {
    return JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8'));
  } catch {
    return {};
  }
}
