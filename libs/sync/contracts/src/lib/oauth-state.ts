import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * The OAuth `state` that travels through Xero's authorize page: it names the retailer that started
 * the flow, expires, and is signed (HMAC-SHA256 with OAUTH_STATE_SECRET) so the callback in
 * xero-sync can trust it without a shared database. Format: `<payload>.<signature>`, both base64url;
 * the payload is JSON `{r: retailerId, n: nonce, e: expiry in epoch seconds}`.
 */
export interface OAuthState {
  retailerId: string;
  nonce: string;
  /** Expiry, epoch seconds. */
  expiresAt: number;
}

export type OAuthStateError = 'malformed' | 'bad_signature' | 'expired';

export const OAUTH_STATE_TTL_SECONDS = 600;

function sign(payload: string, secret: string): string {
  return createHmac('sha256', secret).update(payload).digest('base64url');
}

export function signOAuthState(
  retailerId: string,
  secret: string,
  opts: { now?: Date; ttlSeconds?: number; nonce?: string } = {},
): string {
  if (!secret) throw new Error('signOAuthState: the secret is empty');
  const now = Math.floor((opts.now ?? new Date()).getTime() / 1000);
  const body = { r: retailerId, n: opts.nonce ?? randomBytes(12).toString('base64url'), e: now + (opts.ttlSeconds ?? OAUTH_STATE_TTL_SECONDS) };
  const payload = Buffer.from(JSON.stringify(body)).toString('base64url');
  return `${payload}.${sign(payload, secret)}`;
}

/** Checks the signature and the expiry; never throws. */
export function verifyOAuthState(
  state: string,
  secret: string,
  now: Date = new Date(),
): { ok: true; value: OAuthState } | { ok: false; error: OAuthStateError } {
  const parts = typeof state === 'string' ? state.split('.') : [];
  if (parts.length !== 2 || !parts[0] || !parts[1] || !secret) return { ok: false, error: 'malformed' };
  const [payload, signature] = parts;
  const expected = Buffer.from(sign(payload, secret));
  const given = Buffer.from(signature);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, error: 'bad_signature' };
  let body: unknown;
  try {
    body = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch {
    return { ok: false, error: 'malformed' };
  }
  const b = body as { r?: unknown; n?: unknown; e?: unknown };
  if (typeof b?.r !== 'string' || !b.r || typeof b.n !== 'string' || typeof b.e !== 'number') return { ok: false, error: 'malformed' };
  if (b.e <= Math.floor(now.getTime() / 1000)) return { ok: false, error: 'expired' };
  return { ok: true, value: { retailerId: b.r, nonce: b.n, expiresAt: b.e } };
}
