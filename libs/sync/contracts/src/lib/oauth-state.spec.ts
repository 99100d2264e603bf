import { OAUTH_STATE_TTL_SECONDS, signOAuthState, verifyOAuthState } from './oauth-state';

const SECRET = 'a-secret-of-at-least-16-chars';

describe('OAuth state', () => {
  const now = new Date('2026-03-01T10:00:00Z');

  it('names the retailer and expires after the TTL', () => {
    const state = signOAuthState('retailer-1', SECRET, { now });
    const r = verifyOAuthState(state, SECRET, new Date(now.getTime() + 60_000));
    expect(r).toEqual({ ok: true, value: { retailerId: 'retailer-1', nonce: expect.any(String), expiresAt: now.getTime() / 1000 + OAUTH_STATE_TTL_SECONDS } });
    expect(verifyOAuthState(state, SECRET, new Date(now.getTime() + OAUTH_STATE_TTL_SECONDS * 1000))).toEqual({ ok: false, error: 'expired' });
  });

  it('is different every time (a nonce), and URL-safe', () => {
    const a = signOAuthState('r', SECRET);
    expect(a).not.toBe(signOAuthState('r', SECRET));
    expect(a).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
  });

  it('refuses another secret, a changed payload and a changed signature', () => {
    const state = signOAuthState('retailer-1', SECRET, { now });
    const [payload, sig] = state.split('.');
    expect(verifyOAuthState(state, 'another-secret-of-16-chars', now)).toEqual({ ok: false, error: 'bad_signature' });
    const forged = Buffer.from(JSON.stringify({ r: 'retailer-2', n: 'x', e: 9_999_999_999 })).toString('base64url');
    expect(verifyOAuthState(`${forged}.${sig}`, SECRET, now)).toEqual({ ok: false, error: 'bad_signature' });
    expect(verifyOAuthState(`${payload}.${sig.slice(0, -2)}AA`, SECRET, now)).toEqual({ ok: false, error: 'bad_signature' });
  });

  it('refuses malformed input without throwing', () => {
    for (const s of ['', 'abc', 'a.b.c', '.', 'x.', undefined as unknown as string, 42 as unknown as string]) {
      expect(verifyOAuthState(s, SECRET, now).ok).toBe(false);
    }
    expect(verifyOAuthState(signOAuthState('r', SECRET), '', now)).toEqual({ ok: false, error: 'malformed' });
    expect(() => signOAuthState('r', '')).toThrow();
  });
});
