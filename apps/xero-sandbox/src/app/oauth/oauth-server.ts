import { createHash, timingSafeEqual } from 'node:crypto';
import { Clock } from '../core/clock';
import { newId, newOpaqueToken } from '../core/ids';
import { xeroUtcTimestamp } from '../core/ms-date';
import { OAuthClientConfig } from '../config/sandbox-options';
import { signJwt } from './jwt';

/** Scopes Xero knows (xero_accounting.yaml securitySchemes plus the OpenID ones and offline_access). */
export const KNOWN_SCOPES = new Set([
  'openid',
  'profile',
  'email',
  'offline_access',
  'accounting.attachments',
  'accounting.attachments.read',
  'accounting.budgets.read',
  'accounting.contacts',
  'accounting.contacts.read',
  'accounting.journals.read',
  'accounting.reports.read',
  'accounting.reports.tenninetynine.read',
  'accounting.settings',
  'accounting.settings.read',
  'accounting.transactions',
  'accounting.transactions.read',
  'paymentservices',
]);

export const DEFAULT_SCOPE =
  'openid profile email offline_access accounting.contacts accounting.settings.read';

export type OAuthClient = OAuthClientConfig;

export interface ConnectionRecord {
  id: string;
  clientId: string;
  userId: string;
  tenantId: string;
  authEventId: string;
  createdAt: number;
  updatedAt: number;
}

/** What an access token and a refresh token both carry: one grant, to one client, for a while. */
interface TokenGrant {
  token: string;
  clientId: string;
  userId: string;
  scope: string[];
  authEventId: string;
  issuedAt: number;
  expiresAt: number;
  revoked?: boolean;
}

export interface AccessTokenRecord extends TokenGrant {
  jti: string;
}

export interface RefreshTokenRecord extends TokenGrant {
  /** First use: the token stays usable for the grace period after it. */
  usedAt?: number;
}

interface AuthCodeRecord {
  code: string;
  clientId: string;
  redirectUri: string;
  scope: string[];
  userId: string;
  authEventId: string;
  expiresAt: number;
  used: boolean;
  codeChallenge?: string;
  codeChallengeMethod?: 'S256' | 'plain';
}

export interface TokenResponse {
  id_token?: string;
  access_token: string;
  expires_in: number;
  token_type: 'Bearer';
  refresh_token?: string;
  scope: string;
}

export class OAuthError extends Error {
  constructor(
    readonly error: string,
    readonly status = 400,
    readonly description?: string,
  ) {
    super(description ? `${error}: ${description}` : error);
  }
}

export interface OAuthTimings {
  accessTokenTtlMs: number;
  refreshGraceMs: number;
  refreshTokenTtlMs: number;
  authCodeTtlMs: number;
}

export interface TenantDirectory {
  has(tenantId: string): boolean;
  nameOf(tenantId: string): string | undefined;
  defaultTenantId(): string | undefined;
}

export interface OAuthSnapshot {
  signingSecret: string;
  userId: string;
  clients: OAuthClient[];
  connections: ConnectionRecord[];
  accessTokens: AccessTokenRecord[];
  refreshTokens: RefreshTokenRecord[];
}

export type AuthorizeOutcome =
  | { kind: 'redirect'; location: string }
  | { kind: 'error-page'; status: number; error: string; description: string }
  | {
      kind: 'consent-page';
      client: OAuthClient;
      scope: string[];
      tenantIds: string[];
    };

export interface AuthorizeParams {
  client_id?: string;
  redirect_uri?: string;
  response_type?: string;
  scope?: string;
  state?: string;
  code_challenge?: string;
  code_challenge_method?: string;
  /** Sandbox extension: the organisations to grant (comma separated ids, or "all"); default organisation otherwise. */
  tenant?: string;
  /** Sandbox extension: "allow" (default without a consent page), "deny", or "page" to show the consent page. */
  consent?: string;
}

export type TokenCheck =
  | { ok: true; token: AccessTokenRecord }
  | { ok: false; reason: 'missing' | 'invalid' | 'revoked' }
  | { ok: false; reason: 'expired'; expiredAt: number };

function sha256base64url(s: string): string {
  return createHash('sha256').update(s).digest('base64url');
}

function safeEqual(a: string, b: string): boolean {
  const ab = Buffer.from(a);
  const bb = Buffer.from(b);
  return ab.length === bb.length && timingSafeEqual(ab, bb);
}

/**
 * Xero's identity service as far as a connecting app sees it: the authorization-code flow, token refresh
 * with single-use rotating refresh tokens (the previous one valid for a grace period), revocation, and the
 * connections (tenants) an access token may call.
 */
export class OAuthServer {
  private clients = new Map<string, OAuthClient>();
  private connections = new Map<string, ConnectionRecord>();
  private accessTokens = new Map<string, AccessTokenRecord>();
  private refreshTokens = new Map<string, RefreshTokenRecord>();
  private codes = new Map<string, AuthCodeRecord>();
  private signingSecret = newOpaqueToken();
  private userId = newId();

  constructor(
    private readonly clock: Clock,
    private timings: OAuthTimings,
    private readonly tenants: TenantDirectory,
    private readonly issuer: () => string,
    private readonly defaultClient: OAuthClientConfig,
    private readonly onChange: () => void = () => undefined,
  ) {
    this.clients.set(defaultClient.clientId, { ...defaultClient });
  }

  setTimings(t: Partial<OAuthTimings>): void {
    this.timings = { ...this.timings, ...t };
  }

  getTimings(): OAuthTimings {
    return { ...this.timings };
  }

  // ---- clients ---------------------------------------------------------------------------------------

  registerClient(input: Partial<OAuthClient>): OAuthClient {
    const client: OAuthClient = {
      clientId:
        input.clientId ||
        newOpaqueToken(16).replace(/[-_]/g, 'x').toUpperCase(),
      clientSecret: input.clientSecret || newOpaqueToken(36),
      name: input.name || 'Sandbox App',
      redirectUris: input.redirectUris ?? [],
    };
    this.clients.set(client.clientId, client);
    this.onChange();
    return { ...client };
  }

  listClients(): OAuthClient[] {
    return [...this.clients.values()].map((c) => ({ ...c }));
  }

  getClient(clientId: string): OAuthClient | undefined {
    return this.clients.get(clientId);
  }

  private redirectAllowed(client: OAuthClient, uri: string): boolean {
    if (client.redirectUris.length > 0)
      return client.redirectUris.includes(uri);
    try {
      const u = new URL(uri);
      return (u.protocol === 'http:' || u.protocol === 'https:') && !u.hash;
    } catch {
      return false;
    }
  }

  /** HTTP Basic client authentication (Xero's), or client_id/client_secret in the form body. */
  authenticateClient(
    authorization: string | undefined,
    form: Record<string, string | undefined>,
  ): { client: OAuthClient; confidential: boolean } {
    let id: string | undefined;
    let secret: string | undefined;
    if (authorization?.startsWith('Basic ')) {
      const decoded = Buffer.from(
        authorization.slice(6).trim(),
        'base64',
      ).toString('utf8');
      const sep = decoded.indexOf(':');
      if (sep < 0) throw new OAuthError('invalid_client', 400);
      id = decodeURIComponent(decoded.slice(0, sep));
      secret = decodeURIComponent(decoded.slice(sep + 1));
    } else {
      id = form['client_id'];
      secret = form['client_secret'];
    }
    const client = id ? this.clients.get(id) : undefined;
    if (!client) throw new OAuthError('invalid_client', 400);
    if (secret === undefined) {
      // A PKCE (public) client may omit its secret for the code exchange only; checked by the caller.
      if (form['code_verifier'] && form['grant_type'] === 'authorization_code')
        return { client, confidential: false };
      throw new OAuthError('invalid_client', 400);
    }
    if (!safeEqual(secret, client.clientSecret))
      throw new OAuthError('invalid_client', 400);
    return { client, confidential: true };
  }

  // ---- authorize ---------------------------------------------------------------------------------------

  authorize(
    p: AuthorizeParams,
    consentPageByDefault: boolean,
  ): AuthorizeOutcome {
    const client = p.client_id ? this.clients.get(p.client_id) : undefined;
    if (!client)
      return {
        kind: 'error-page',
        status: 400,
        error: 'unauthorized_client',
        description: 'Invalid client_id',
      };
    if (!p.redirect_uri || !this.redirectAllowed(client, p.redirect_uri)) {
      return {
        kind: 'error-page',
        status: 400,
        error: 'invalid_request',
        description: 'Invalid redirect_uri',
      };
    }
    const back = (params: Record<string, string | undefined>) => {
      const url = new URL(p.redirect_uri as string);
      for (const [k, v] of Object.entries(params))
        if (v !== undefined) url.searchParams.set(k, v);
      if (p.state !== undefined) url.searchParams.set('state', p.state);
      return { kind: 'redirect' as const, location: url.toString() };
    };
    if (p.response_type !== 'code')
      return back({ error: 'unsupported_response_type' });
    const scope = (p.scope ?? '').split(/\s+/).filter(Boolean);
    if (scope.length === 0 || scope.some((s) => !KNOWN_SCOPES.has(s)))
      return back({ error: 'invalid_scope' });
    if (
      p.code_challenge_method &&
      !['S256', 'plain'].includes(p.code_challenge_method)
    ) {
      return back({
        error: 'invalid_request',
        error_description: 'code_challenge_method',
      });
    }

    let tenantIds: string[];
    if (!p.tenant) {
      const d = this.tenants.defaultTenantId();
      tenantIds = d ? [d] : [];
    } else if (p.tenant === 'all') {
      tenantIds = [];
    } else {
      tenantIds = p.tenant
        .split(',')
        .map((s) => s.trim().toLowerCase())
        .filter(Boolean);
    }
    const unknown = tenantIds.find((t) => !this.tenants.has(t));
    if (unknown)
      return {
        kind: 'error-page',
        status: 400,
        error: 'invalid_request',
        description: `Unknown organisation ${unknown}`,
      };

    const consent = p.consent ?? (consentPageByDefault ? 'page' : 'allow');
    if (consent === 'page')
      return { kind: 'consent-page', client: { ...client }, scope, tenantIds };
    if (consent === 'deny') return back({ error: 'access_denied' });
    if (p.tenant === 'all') tenantIds = this.allTenantIds();
    if (tenantIds.length === 0)
      return {
        kind: 'error-page',
        status: 400,
        error: 'invalid_request',
        description: 'No organisation to connect',
      };

    const now = this.clock.now();
    const authEventId = newId();
    for (const tenantId of tenantIds)
      this.upsertConnection(
        client.clientId,
        this.userId,
        tenantId,
        authEventId,
        now,
      );
    const code = newOpaqueToken(32);
    this.codes.set(code, {
      code,
      clientId: client.clientId,
      redirectUri: p.redirect_uri,
      scope,
      userId: this.userId,
      authEventId,
      expiresAt: now + this.timings.authCodeTtlMs,
      used: false,
      codeChallenge: p.code_challenge,
      codeChallengeMethod: p.code_challenge
        ? ((p.code_challenge_method as 'S256' | 'plain') ?? 'plain')
        : undefined,
    });
    this.onChange();
    return back({
      code,
      scope: scope.join(' '),
      session_state: newOpaqueToken(16),
    });
  }

  private allTenantIds(): string[] {
    return this.tenantLister?.() ?? [];
  }

  /** Set by the runtime: lists every organisation, for `tenant=all`. */
  tenantLister?: () => string[];

  private upsertConnection(
    clientId: string,
    userId: string,
    tenantId: string,
    authEventId: string,
    now: number,
  ): ConnectionRecord {
    const existing = [...this.connections.values()].find(
      (c) =>
        c.clientId === clientId &&
        c.userId === userId &&
        c.tenantId === tenantId,
    );
    if (existing) {
      existing.authEventId = authEventId;
      existing.updatedAt = now;
      return existing;
    }
    const conn: ConnectionRecord = {
      id: newId(),
      clientId,
      userId,
      tenantId,
      authEventId,
      createdAt: now,
      updatedAt: now,
    };
    this.connections.set(conn.id, conn);
    return conn;
  }

  // ---- token endpoint ----------------------------------------------------------------------------------

  token(
    authorization: string | undefined,
    form: Record<string, string | undefined>,
  ): TokenResponse {
    const { client, confidential } = this.authenticateClient(
      authorization,
      form,
    );
    const grantType = form['grant_type'];
    if (grantType === 'authorization_code')
      return this.exchangeCode(client, confidential, form);
    if (grantType === 'refresh_token')
      return this.refresh(client, form['refresh_token']);
    if (!grantType)
      throw new OAuthError('invalid_request', 400, 'grant_type is required');
    throw new OAuthError('unsupported_grant_type');
  }

  private exchangeCode(
    client: OAuthClient,
    confidential: boolean,
    form: Record<string, string | undefined>,
  ): TokenResponse {
    const code = form['code'] ? this.codes.get(form['code']) : undefined;
    const now = this.clock.now();
    if (
      !code ||
      code.used ||
      code.clientId !== client.clientId ||
      now >= code.expiresAt
    ) {
      throw new OAuthError('invalid_grant');
    }
    if (form['redirect_uri'] !== code.redirectUri)
      throw new OAuthError('invalid_grant');
    if (code.codeChallenge) {
      const verifier = form['code_verifier'];
      const expected =
        code.codeChallengeMethod === 'S256' && verifier
          ? sha256base64url(verifier)
          : verifier;
      if (!verifier || expected !== code.codeChallenge)
        throw new OAuthError('invalid_grant');
    } else if (!confidential) {
      throw new OAuthError('invalid_client');
    }
    code.used = true;
    this.codes.delete(code.code);
    return this.issue(client, code.userId, code.scope, code.authEventId);
  }

  private refresh(
    client: OAuthClient,
    token: string | undefined,
  ): TokenResponse {
    const record = token ? this.refreshTokens.get(token) : undefined;
    const now = this.clock.now();
    if (!record || record.revoked || record.clientId !== client.clientId)
      throw new OAuthError('invalid_grant');
    if (now >= record.expiresAt) throw new OAuthError('invalid_grant');
    if (
      record.usedAt !== undefined &&
      now >= record.usedAt + this.timings.refreshGraceMs
    )
      throw new OAuthError('invalid_grant');
    if (record.usedAt === undefined) record.usedAt = now;
    return this.issue(client, record.userId, record.scope, record.authEventId);
  }

  private issue(
    client: OAuthClient,
    userId: string,
    scope: string[],
    authEventId: string,
  ): TokenResponse {
    const now = this.clock.now();
    this.prune(now);
    const jti = newId();
    const exp = now + this.timings.accessTokenTtlMs;
    const iss = this.issuer();
    const seconds = Math.floor(now / 1000);
    const access = signJwt(
      {
        nbf: seconds,
        exp: Math.floor(exp / 1000),
        iss,
        aud: `${iss}/resources`,
        client_id: client.clientId,
        sub: userId,
        auth_time: seconds,
        xero_userid: userId,
        global_session_id: authEventId,
        sid: authEventId,
        jti,
        authentication_event_id: authEventId,
        scope,
      },
      this.signingSecret,
    );
    this.accessTokens.set(access, {
      token: access,
      jti,
      clientId: client.clientId,
      userId,
      scope,
      authEventId,
      issuedAt: now,
      expiresAt: exp,
    });

    let refresh: string | undefined;
    if (scope.includes('offline_access')) {
      refresh = newOpaqueToken(32);
      this.refreshTokens.set(refresh, {
        token: refresh,
        clientId: client.clientId,
        userId,
        scope,
        authEventId,
        issuedAt: now,
        expiresAt: now + this.timings.refreshTokenTtlMs,
      });
    }
    const idToken = scope.includes('openid')
      ? signJwt(
          {
            nbf: seconds,
            exp: seconds + 300,
            iss,
            aud: client.clientId,
            iat: seconds,
            at_hash: sha256base64url(access).slice(0, 22),
            sid: authEventId,
            sub: userId,
            auth_time: seconds,
            xero_userid: userId,
            global_session_id: authEventId,
            preferred_username: 'sandbox.user@example.com',
            email: 'sandbox.user@example.com',
            given_name: 'Sandbox',
            family_name: 'User',
          },
          client.clientSecret,
        )
      : undefined;
    this.onChange();
    // Field order as Xero sends it.
    return {
      ...(idToken ? { id_token: idToken } : {}),
      access_token: access,
      expires_in: Math.round(this.timings.accessTokenTtlMs / 1000),
      token_type: 'Bearer',
      ...(refresh ? { refresh_token: refresh } : {}),
      scope: scope.join(' '),
    };
  }

  private prune(now: number): void {
    if (this.accessTokens.size > 5000) {
      for (const [k, t] of this.accessTokens)
        if (t.expiresAt + this.timings.refreshGraceMs < now)
          this.accessTokens.delete(k);
    }
    if (this.refreshTokens.size > 5000) {
      for (const [k, t] of this.refreshTokens) {
        if (
          t.expiresAt < now ||
          (t.usedAt !== undefined &&
            t.usedAt + this.timings.refreshGraceMs < now)
        )
          this.refreshTokens.delete(k);
      }
    }
    for (const [k, c] of this.codes)
      if (c.expiresAt < now) this.codes.delete(k);
  }

  /** POST /connect/revocation: revokes the grant (every token of this client and user) and its connections. */
  revoke(
    authorization: string | undefined,
    form: Record<string, string | undefined>,
  ): void {
    const { client } = this.authenticateClient(authorization, form);
    const token = form['token'];
    if (!token)
      throw new OAuthError('invalid_request', 400, 'token is required');
    const rt = this.refreshTokens.get(token);
    const at = this.accessTokens.get(token);
    const owner = rt ?? at;
    if (!owner || owner.clientId !== client.clientId) return; // RFC 7009: unknown tokens are not an error
    this.revokeGrant(owner.clientId, owner.userId);
  }

  private revokeGrant(clientId: string, userId: string): void {
    for (const t of this.refreshTokens.values())
      if (t.clientId === clientId && t.userId === userId) t.revoked = true;
    for (const t of this.accessTokens.values())
      if (t.clientId === clientId && t.userId === userId) t.revoked = true;
    for (const [id, c] of this.connections)
      if (c.clientId === clientId && c.userId === userId)
        this.connections.delete(id);
    this.onChange();
  }

  // ---- resource side -----------------------------------------------------------------------------------

  checkAccessToken(authorization: string | undefined): TokenCheck {
    if (!authorization || !/^Bearer\s+\S+/i.test(authorization))
      return { ok: false, reason: 'missing' };
    const token = authorization.replace(/^Bearer\s+/i, '').trim();
    const record = this.accessTokens.get(token);
    if (!record) return { ok: false, reason: 'invalid' };
    if (record.revoked) return { ok: false, reason: 'revoked' };
    if (this.clock.now() >= record.expiresAt)
      return { ok: false, reason: 'expired', expiredAt: record.expiresAt };
    return { ok: true, token: record };
  }

  hasConnection(token: AccessTokenRecord, tenantId: string): boolean {
    const t = tenantId.toLowerCase();
    for (const c of this.connections.values()) {
      if (
        c.clientId === token.clientId &&
        c.userId === token.userId &&
        c.tenantId === t
      )
        return this.tenants.has(t);
    }
    return false;
  }

  /** GET /connections, per xero-identity.yaml's Connection schema. */
  connectionsFor(
    token: AccessTokenRecord,
    authEventId?: string,
  ): Array<Record<string, unknown>> {
    return [...this.connections.values()]
      .filter(
        (c) =>
          c.clientId === token.clientId &&
          c.userId === token.userId &&
          this.tenants.has(c.tenantId),
      )
      .filter((c) => !authEventId || c.authEventId === authEventId)
      .sort((a, b) => a.createdAt - b.createdAt)
      .map((c) => ({
        id: c.id,
        authEventId: c.authEventId,
        tenantId: c.tenantId,
        tenantType: 'ORGANISATION',
        tenantName: this.tenants.nameOf(c.tenantId) ?? '',
        createdDateUtc: xeroUtcTimestamp(c.createdAt, 7),
        updatedDateUtc: xeroUtcTimestamp(c.updatedAt, 7),
      }));
  }

  deleteConnection(token: AccessTokenRecord, id: string): boolean {
    const c = this.connections.get(id.toLowerCase());
    if (!c || c.clientId !== token.clientId || c.userId !== token.userId)
      return false;
    this.connections.delete(c.id);
    this.onChange();
    return true;
  }

  // ---- sandbox helpers ---------------------------------------------------------------------------------

  /** Issues a token set as if the user had consented to `tenantIds` (the /sandbox/tokens shortcut). */
  issueDirect(input: {
    tenantIds: string[];
    clientId?: string;
    scope?: string;
  }): TokenResponse {
    const client = this.clients.get(
      input.clientId ?? this.defaultClient.clientId,
    );
    if (!client)
      throw new OAuthError(
        'invalid_client',
        400,
        `Unknown client ${input.clientId}`,
      );
    const scope = (input.scope ?? DEFAULT_SCOPE).split(/\s+/).filter(Boolean);
    const bad = scope.find((s) => !KNOWN_SCOPES.has(s));
    if (bad) throw new OAuthError('invalid_scope', 400, bad);
    const unknown = input.tenantIds.find(
      (t) => !this.tenants.has(t.toLowerCase()),
    );
    if (unknown)
      throw new OAuthError(
        'invalid_request',
        400,
        `Unknown organisation ${unknown}`,
      );
    const now = this.clock.now();
    const authEventId = newId();
    for (const t of input.tenantIds)
      this.upsertConnection(
        client.clientId,
        this.userId,
        t.toLowerCase(),
        authEventId,
        now,
      );
    return this.issue(client, this.userId, scope, authEventId);
  }

  /** Makes an access token expire now (for exercising a client's 401 handling without waiting). */
  expireAccessToken(token: string): boolean {
    const record = this.accessTokens.get(token);
    if (!record) return false;
    record.expiresAt = Math.min(record.expiresAt, this.clock.now());
    return true;
  }

  /** Forgets connections to an organisation that no longer exists. */
  dropTenant(tenantId: string): void {
    for (const [id, c] of this.connections)
      if (c.tenantId === tenantId) this.connections.delete(id);
  }

  reset(): void {
    this.clients = new Map([
      [this.defaultClient.clientId, { ...this.defaultClient }],
    ]);
    this.connections.clear();
    this.accessTokens.clear();
    this.refreshTokens.clear();
    this.codes.clear();
    this.onChange();
  }

  snapshot(): OAuthSnapshot {
    return {
      signingSecret: this.signingSecret,
      userId: this.userId,
      clients: this.listClients(),
      connections: [...this.connections.values()].map((c) => ({ ...c })),
      accessTokens: [...this.accessTokens.values()].map((t) => ({ ...t })),
      refreshTokens: [...this.refreshTokens.values()].map((t) => ({ ...t })),
    };
  }

  restore(s: OAuthSnapshot): void {
    this.signingSecret = s.signingSecret;
    this.userId = s.userId;
    this.clients = new Map(s.clients.map((c) => [c.clientId, { ...c }]));
    // The configured default client always wins over a saved one (its secret may have been rotated).
    this.clients.set(this.defaultClient.clientId, { ...this.defaultClient });
    this.connections = new Map(s.connections.map((c) => [c.id, { ...c }]));
    this.accessTokens = new Map(s.accessTokens.map((t) => [t.token, { ...t }]));
    this.refreshTokens = new Map(
      s.refreshTokens.map((t) => [t.token, { ...t }]),
    );
  }
}
