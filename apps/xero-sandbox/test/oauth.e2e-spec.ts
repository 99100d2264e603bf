/** The OAuth 2.0 code flow, token rotation, revocation and connections, as Xero's identity service does them. */
import {
  Harness,
  call,
  expectOk,
  http,
  startHarness,
  xeroClient,
  expectXeroError,
} from '../src/testing/sandbox-harness';
import { assertSchema } from '../src/testing/xero-schemas';
import { TokenResponse } from '../src/app/oauth/oauth-server';
import { decodeJwt } from '../src/app/oauth/jwt';

const MINUTE = 60_000;
const REDIRECT = 'http://127.0.0.1:3001/xero/callback';
const SCOPE =
  'openid profile email offline_access accounting.contacts accounting.settings.read';

type Json = Record<string, unknown>;

describe('OAuth 2.0 against the sandbox', () => {
  let h: Harness;
  let basic: string;

  beforeAll(async () => {
    h = await startHarness();
    const client = h.sandbox.runtime.oauth.registerClient({
      clientId: 'pos-test-client',
      clientSecret: 'pos-test-secret',
      name: 'POS Sync',
      redirectUris: [REDIRECT],
    });
    basic = `Basic ${Buffer.from(`${client.clientId}:${client.clientSecret}`).toString('base64')}`;
  });

  afterAll(async () => {
    await h.close();
  });

  async function authorize(params: Record<string, string>): Promise<URL> {
    const q = new URLSearchParams({
      client_id: 'pos-test-client',
      redirect_uri: REDIRECT,
      response_type: 'code',
      scope: SCOPE,
      state: 'state-123',
      ...params,
    });
    const res = await http(`${h.url}/identity/connect/authorize?${q}`);
    expect(res.status).toBe(302);
    return new URL(res.headers.get('location') as string);
  }

  async function token(
    form: Record<string, string>,
    auth = basic,
  ): Promise<{ status: number; body: Json }> {
    const res = await http(`${h.url}/connect/token`, {
      form,
      headers: { authorization: auth },
    });
    return { status: res.status, body: res.json() as Json };
  }

  async function connect(
    params: Record<string, string> = {},
  ): Promise<TokenResponse> {
    const back = await authorize({ tenant: h.tenantId, ...params });
    const code = back.searchParams.get('code') as string;
    const t = await token({
      grant_type: 'authorization_code',
      code,
      redirect_uri: REDIRECT,
    });
    expect(t.status).toBe(200);
    return t.body as unknown as TokenResponse;
  }

  it('runs the authorization-code flow: consent without a person, redirect with code and state, token set', async () => {
    const back = await authorize({ tenant: h.tenantId });
    expect(back.origin + back.pathname).toBe(REDIRECT);
    expect(back.searchParams.get('state')).toBe('state-123');
    const code = back.searchParams.get('code') as string;
    expect(code).toBeTruthy();

    const t = await token({
      grant_type: 'authorization_code',
      code,
      redirect_uri: REDIRECT,
    });
    expect(t.status).toBe(200);
    expect(Object.keys(t.body)).toEqual([
      'id_token',
      'access_token',
      'expires_in',
      'token_type',
      'refresh_token',
      'scope',
    ]);
    expect(t.body).toMatchObject({
      expires_in: 1800,
      token_type: 'Bearer',
      scope: SCOPE,
    });
    const claims = decodeJwt(t.body['access_token'] as string) as Json;
    expect(claims).toMatchObject({ client_id: 'pos-test-client' });
    expect(typeof claims['authentication_event_id']).toBe('string');

    // A code is single-use.
    const again = await token({
      grant_type: 'authorization_code',
      code,
      redirect_uri: REDIRECT,
    });
    expect(again).toEqual({ status: 400, body: { error: 'invalid_grant' } });

    // The token works with xero-node.
    const xero = await xeroClient(h.url, t.body as unknown as TokenResponse);
    await expectOk(
      xero.accountingApi.getOrganisations(h.tenantId),
      'Organisations',
    );

    // GET /connections lists the granted tenant (xero-identity.yaml Connection).
    const conns = await http(`${h.url}/connections`, {
      headers: { authorization: `Bearer ${t.body['access_token']}` },
    });
    expect(conns.status).toBe(200);
    const list = conns.json() as Json[];
    expect(list).toHaveLength(1);
    for (const c of list) assertSchema('identity#Connection', c);
    expect(list[0]).toMatchObject({
      tenantId: h.tenantId,
      tenantType: 'ORGANISATION',
      tenantName: 'Harness Trading Ltd',
      authEventId: claims['authentication_event_id'],
    });
  });

  it('refuses a wrong client secret, a wrong redirect_uri, a JSON body and an unknown grant type', async () => {
    const back = await authorize({ tenant: h.tenantId });
    const code = back.searchParams.get('code') as string;
    const wrongSecret = `Basic ${Buffer.from('pos-test-client:nope').toString('base64')}`;
    expect(
      (
        await token(
          { grant_type: 'authorization_code', code, redirect_uri: REDIRECT },
          wrongSecret,
        )
      ).body,
    ).toEqual({
      error: 'invalid_client',
    });
    expect(
      (
        await token({
          grant_type: 'authorization_code',
          code,
          redirect_uri: 'http://127.0.0.1/other',
        })
      ).body,
    ).toEqual({
      error: 'invalid_grant',
    });
    const json = await http(`${h.url}/connect/token`, {
      json: { grant_type: 'authorization_code', code, redirect_uri: REDIRECT },
      headers: { authorization: basic },
    });
    expect(json.status).toBe(400);
    expect((await token({ grant_type: 'client_credentials' })).body).toEqual({
      error: 'unsupported_grant_type',
    });
  });

  it('rotates refresh tokens: the old one works within the grace period and fails after it', async () => {
    const first = await connect();
    const r1 = await token({
      grant_type: 'refresh_token',
      refresh_token: first.refresh_token as string,
    });
    expect(r1.status).toBe(200);
    expect(r1.body['refresh_token']).not.toBe(first.refresh_token);
    expect(r1.body['access_token']).not.toBe(first.access_token);

    h.clock.advance(29 * MINUTE);
    const withinGrace = await token({
      grant_type: 'refresh_token',
      refresh_token: first.refresh_token as string,
    });
    expect(withinGrace.status).toBe(200);

    h.clock.advance(2 * MINUTE);
    const afterGrace = await token({
      grant_type: 'refresh_token',
      refresh_token: first.refresh_token as string,
    });
    expect(afterGrace).toEqual({
      status: 400,
      body: { error: 'invalid_grant' },
    });

    // the rotated token is still good (its own grace starts at its first use)
    const r2 = await token({
      grant_type: 'refresh_token',
      refresh_token: r1.body['refresh_token'] as string,
    });
    expect(r2.status).toBe(200);
    expect(
      await token({
        grant_type: 'refresh_token',
        refresh_token: 'unknown-token',
      }),
    ).toEqual({
      status: 400,
      body: { error: 'invalid_grant' },
    });
  });

  it('expires access tokens after 30 minutes: 401 as Xero answers it', async () => {
    const t = await connect();
    const xero = await xeroClient(h.url, t);
    h.clock.advance(30 * MINUTE - 1000);
    await expectOk(xero.accountingApi.getContacts(h.tenantId), 'Contacts');
    h.clock.advance(1000);
    const r = await call(xero.accountingApi.getContacts(h.tenantId));
    expect(r.status).toBe(401);
    expect(r.raw).toMatchObject({ Title: 'Unauthorized', Status: 401 });
    expect((r.raw as Json)['Detail']).toMatch(
      /^TokenExpired: token expired at \d\d\/\d\d\/\d{4} \d\d:\d\d:\d\d$/,
    );
  });

  it('answers 401 without a token or with an unknown one, and 403 for a tenant the token was not granted', async () => {
    const none = await http(`${h.url}/api.xro/2.0/Contacts`, {
      headers: { 'xero-tenant-id': h.tenantId },
    });
    expectXeroError(none, 401);
    const bogus = await http(`${h.url}/api.xro/2.0/Contacts`, {
      headers: { 'xero-tenant-id': h.tenantId, authorization: 'Bearer nope' },
    });
    expectXeroError(bogus, 401);
    expect(bogus.json()).toMatchObject({
      Detail: 'AuthenticationUnsuccessful',
    });

    const other = h.sandbox.runtime.createOrganisation({
      name: 'Somebody Else Ltd',
    });
    const xero = await xeroClient(h.url, await connect());
    await expectOk(xero.accountingApi.getContacts(h.tenantId), 'Contacts');
    const r = await call(xero.accountingApi.getContacts(other.tenantId));
    expect(r.status).toBe(403);
    expect(r.raw).toMatchObject({ Title: 'Forbidden', Status: 403 });
    const unknown = await call(
      xero.accountingApi.getContacts('6f1b1d5e-1111-4111-8111-111111111111'),
    );
    expect(unknown.status).toBe(403);
  });

  it('needs accounting.settings(.read) for /Organisation and accounting.contacts for writes', async () => {
    const t = await connect({
      scope: 'offline_access accounting.contacts.read',
    });
    expect(t.refresh_token).toBeTruthy();
    expect(t.id_token).toBeUndefined();
    const xero = await xeroClient(h.url, t);
    await expectOk(xero.accountingApi.getContacts(h.tenantId), 'Contacts');
    expect(
      (await call(xero.accountingApi.getOrganisations(h.tenantId))).status,
    ).toBe(401);
    expect(
      (
        await call(
          xero.accountingApi.createContacts(h.tenantId, {
            contacts: [{ name: 'Scope Test' }],
          }),
        )
      ).status,
    ).toBe(401);
  });

  it('issues no refresh token without offline_access', async () => {
    const t = await connect({ scope: 'accounting.contacts' });
    expect(t.refresh_token).toBeUndefined();
  });

  it('disconnects a tenant with DELETE /connections/{id}: later calls for it answer 403', async () => {
    const t = await connect();
    const xero = await xeroClient(h.url, t);
    const list = (
      await http(`${h.url}/connections`, {
        headers: { authorization: `Bearer ${t.access_token}` },
      })
    ).json() as Json[];
    const del = await http(`${h.url}/connections/${list[0]['id']}`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${t.access_token}` },
    });
    expect(del.status).toBe(204);
    expect(
      (await call(xero.accountingApi.getContacts(h.tenantId))).status,
    ).toBe(403);
    const again = await http(`${h.url}/connections/${list[0]['id']}`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${t.access_token}` },
    });
    expect(again.status).toBe(404);
  });

  it('revokes a refresh token: refresh fails, access tokens stop working, connections are gone', async () => {
    const t = await connect();
    const rev = await http(`${h.url}/connect/revocation`, {
      form: { token: t.refresh_token as string },
      headers: { authorization: basic },
    });
    expect(rev.status).toBe(200);
    expect(
      (
        await token({
          grant_type: 'refresh_token',
          refresh_token: t.refresh_token as string,
        })
      ).body,
    ).toEqual({ error: 'invalid_grant' });
    const xero = await xeroClient(h.url, t);
    expect(
      (await call(xero.accountingApi.getContacts(h.tenantId))).status,
    ).toBe(401);
  });

  it('handles authorize errors like Xero: error page for a bad client or redirect_uri, redirect with error otherwise', async () => {
    const badClient = await http(
      `${h.url}/identity/connect/authorize?client_id=nope&redirect_uri=${encodeURIComponent(REDIRECT)}&response_type=code&scope=openid`,
    );
    expect(badClient.status).toBe(400);
    expect(badClient.text).toContain('unauthorized_client');
    const badRedirect = await http(
      `${h.url}/identity/connect/authorize?client_id=pos-test-client&redirect_uri=${encodeURIComponent('http://evil.example/cb')}&response_type=code&scope=openid`,
    );
    expect(badRedirect.status).toBe(400);
    const badScope = await authorize({ scope: 'openid accounting.everything' });
    expect(badScope.searchParams.get('error')).toBe('invalid_scope');
    expect(badScope.searchParams.get('state')).toBe('state-123');
    const denied = await authorize({ consent: 'deny' });
    expect(denied.searchParams.get('error')).toBe('access_denied');
  });

  it('shows a consent page on request and grants the default organisation without ?tenant', async () => {
    const q = new URLSearchParams({
      client_id: 'pos-test-client',
      redirect_uri: REDIRECT,
      response_type: 'code',
      scope: SCOPE,
      consent: 'page',
    });
    const page = await http(`${h.url}/identity/connect/authorize?${q}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('Harness Trading Ltd');
    expect(page.text).toContain('POS Sync');
    const back = await authorize({});
    expect(back.searchParams.get('code')).toBeTruthy();
  });

  it('supports PKCE (S256) for public clients', async () => {
    const { createHash } = await import('node:crypto');
    const verifier = 'a'.repeat(50);
    const challenge = createHash('sha256').update(verifier).digest('base64url');
    const back = await authorize({
      tenant: h.tenantId,
      code_challenge: challenge,
      code_challenge_method: 'S256',
    });
    const code = back.searchParams.get('code') as string;
    const bad = await http(`${h.url}/connect/token`, {
      form: {
        grant_type: 'authorization_code',
        code,
        redirect_uri: REDIRECT,
        client_id: 'pos-test-client',
        code_verifier: 'wrong',
      },
    });
    expect(bad.json()).toEqual({ error: 'invalid_grant' });
    const back2 = await authorize({
      tenant: h.tenantId,
      code_challenge: challenge,
      code_challenge_method: 'S256',
    });
    const good = await http(`${h.url}/connect/token`, {
      form: {
        grant_type: 'authorization_code',
        code: back2.searchParams.get('code') as string,
        redirect_uri: REDIRECT,
        client_id: 'pos-test-client',
        code_verifier: verifier,
      },
    });
    expect(good.status).toBe(200);
  });

  it('accepts the default client from the options and issues tokens through /sandbox/tokens', async () => {
    const res = await http(`${h.url}/sandbox/tokens`, {
      json: { tenantId: h.tenantId },
    });
    expect(res.status).toBe(201);
    const t = res.json() as TokenResponse;
    expect(t.token_type).toBe('Bearer');
    const refreshed = await token(
      { grant_type: 'refresh_token', refresh_token: t.refresh_token as string },
      `Basic ${Buffer.from('sandbox-client:sandbox-secret').toString('base64')}`,
    );
    expect(refreshed.status).toBe(200);
    // A refresh token belongs to its client.
    expect(
      (
        await token({
          grant_type: 'refresh_token',
          refresh_token: refreshed.body['refresh_token'] as string,
        })
      ).body,
    ).toEqual({
      error: 'invalid_grant',
    });
  });
});
