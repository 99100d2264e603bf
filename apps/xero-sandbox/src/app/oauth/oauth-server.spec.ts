import { ManualClock } from '../core/clock';
import { decodeJwt } from './jwt';
import { OAuthError, OAuthServer, TokenResponse } from './oauth-server';

const T1 = '11111111-1111-4111-8111-111111111111';
const T2 = '22222222-2222-4222-8222-222222222222';
const MIN = 60_000;

describe('OAuthServer', () => {
  let clock: ManualClock;
  let server: OAuthServer;
  const basic = `Basic ${Buffer.from('cid:secret').toString('base64')}`;

  beforeEach(() => {
    clock = new ManualClock(0);
    server = new OAuthServer(
      clock,
      {
        accessTokenTtlMs: 30 * MIN,
        refreshGraceMs: 30 * MIN,
        refreshTokenTtlMs: 60 * 24 * 60 * MIN,
        authCodeTtlMs: 5 * MIN,
      },
      {
        has: (t) => t === T1 || t === T2,
        nameOf: () => 'Org',
        defaultTenantId: () => T1,
      },
      () => 'http://sandbox',
      {
        clientId: 'cid',
        clientSecret: 'secret',
        name: 'App',
        redirectUris: ['http://app/cb'],
      },
    );
  });

  function codeFor(params: Record<string, string> = {}): string {
    const out = server.authorize(
      {
        client_id: 'cid',
        redirect_uri: 'http://app/cb',
        response_type: 'code',
        scope: 'openid offline_access accounting.contacts',
        state: 's',
        ...params,
      },
      false,
    );
    if (out.kind !== 'redirect') throw new Error(out.kind);
    const url = new URL(out.location);
    expect(url.searchParams.get('state')).toBe('s');
    return url.searchParams.get('code') as string;
  }

  function exchange(code: string): TokenResponse {
    return server.token(basic, {
      grant_type: 'authorization_code',
      code,
      redirect_uri: 'http://app/cb',
    });
  }

  it("exchanges a code for a token set with Xero's fields and claims", () => {
    const t = exchange(codeFor());
    expect(t).toMatchObject({
      expires_in: 1800,
      token_type: 'Bearer',
      scope: 'openid offline_access accounting.contacts',
    });
    expect(t.refresh_token && t.id_token).toBeTruthy();
    expect(decodeJwt(t.access_token)).toMatchObject({
      client_id: 'cid',
      scope: ['openid', 'offline_access', 'accounting.contacts'],
    });
    const check = server.checkAccessToken(`Bearer ${t.access_token}`);
    expect(check.ok && server.hasConnection(check.token, T1)).toBe(true);
    expect(check.ok && server.hasConnection(check.token, T2)).toBe(false);
  });

  it('expires codes after 5 minutes and access tokens after 30', () => {
    const code = codeFor();
    clock.advance(5 * MIN);
    expect(() => exchange(code)).toThrow(OAuthError);
    const t = exchange(codeFor());
    clock.advance(30 * MIN - 1);
    expect(server.checkAccessToken(`Bearer ${t.access_token}`).ok).toBe(true);
    clock.advance(1);
    expect(server.checkAccessToken(`Bearer ${t.access_token}`)).toEqual({
      ok: false,
      reason: 'expired',
      expiredAt: 35 * MIN,
    });
  });

  it('rotates refresh tokens with a grace period measured from first use', () => {
    const t = exchange(codeFor());
    const refresh = (rt: string) =>
      server.token(basic, { grant_type: 'refresh_token', refresh_token: rt });
    const r1 = refresh(t.refresh_token as string);
    expect(r1.refresh_token).not.toBe(t.refresh_token);
    clock.advance(30 * MIN - 1);
    expect(refresh(t.refresh_token as string).access_token).toBeTruthy();
    clock.advance(1);
    expect(() => refresh(t.refresh_token as string)).toThrow('invalid_grant');
    expect(refresh(r1.refresh_token as string).access_token).toBeTruthy();
  });

  it('expires unused refresh tokens after their lifetime', () => {
    const t = exchange(codeFor());
    clock.advance(60 * 24 * 60 * MIN);
    expect(() =>
      server.token(basic, {
        grant_type: 'refresh_token',
        refresh_token: t.refresh_token as string,
      }),
    ).toThrow('invalid_grant');
  });

  it('revokes the whole grant', () => {
    const t = exchange(codeFor());
    server.revoke(basic, { token: t.refresh_token as string });
    expect(server.checkAccessToken(`Bearer ${t.access_token}`)).toEqual({
      ok: false,
      reason: 'revoked',
    });
    expect(() =>
      server.token(basic, {
        grant_type: 'refresh_token',
        refresh_token: t.refresh_token as string,
      }),
    ).toThrow('invalid_grant');
  });

  it('authenticates clients by Basic or form credentials only', () => {
    expect(() =>
      server.authenticateClient(
        `Basic ${Buffer.from('cid:nope').toString('base64')}`,
        {},
      ),
    ).toThrow('invalid_client');
    expect(() =>
      server.authenticateClient(undefined, { client_id: 'cid' }),
    ).toThrow('invalid_client');
    expect(
      server.authenticateClient(undefined, {
        client_id: 'cid',
        client_secret: 'secret',
      }).confidential,
    ).toBe(true);
  });

  it('grants several organisations at once and lists them as connections with one authEventId', () => {
    const t = exchange(codeFor({ tenant: `${T1},${T2}` }));
    const check = server.checkAccessToken(`Bearer ${t.access_token}`);
    if (!check.ok) throw new Error('token');
    const conns = server.connectionsFor(check.token);
    expect(conns.map((c) => c['tenantId'])).toEqual([T1, T2]);
    expect(new Set(conns.map((c) => c['authEventId'])).size).toBe(1);
    expect(server.deleteConnection(check.token, conns[0]['id'] as string)).toBe(
      true,
    );
    expect(server.hasConnection(check.token, T1)).toBe(false);
  });

  it('survives a snapshot and restore', () => {
    const t = exchange(codeFor());
    const snap = JSON.parse(JSON.stringify(server.snapshot()));
    const other = new OAuthServer(
      clock,
      server.getTimings(),
      { has: () => true, nameOf: () => 'Org', defaultTenantId: () => T1 },
      () => 'x',
      {
        clientId: 'cid',
        clientSecret: 'secret',
        name: 'App',
        redirectUris: [],
      },
    );
    other.restore(snap);
    expect(other.checkAccessToken(`Bearer ${t.access_token}`).ok).toBe(true);
  });
});
