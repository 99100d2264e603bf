import { signOAuthState } from '@pos/sync-contracts';

export const XERO_SCOPES = 'openid profile email offline_access accounting.contacts accounting.settings.read';

/**
 * What a browser does when a retailer connects: the authorize URL as the customers service builds it,
 * the sandbox's consent (for `tenantId`), then back to xero-sync's callback. Returns the callback's reply.
 */
export async function consentThroughSandbox(opts: { sandboxUrl: string; syncUrl: string; stateSecret: string; retailerId: string; tenantId: string }): Promise<Response> {
  const authorize = new URL(`${opts.sandboxUrl}/identity/connect/authorize`);
  authorize.search = new URLSearchParams({
    response_type: 'code',
    client_id: 'sandbox-client',
    redirect_uri: `${opts.syncUrl}/xero/callback`,
    scope: XERO_SCOPES,
    state: signOAuthState(opts.retailerId, opts.stateSecret),
    tenant: opts.tenantId,
  }).toString();
  const toCallback = await fetch(authorize, { redirect: 'manual' });
  if (toCallback.status !== 302) throw new Error(`authorize answered ${toCallback.status}: ${await toCallback.text()}`);
  return fetch(toCallback.headers.get('location') ?? '', { redirect: 'manual' });
}

/** A free TCP port (the redirect URI must be known before the app listens). */
export async function freePort(): Promise<number> {
  const net = await import('node:net');
  const s = net.createServer().listen(0, '127.0.0.1');
  await new Promise((r) => s.once('listening', r));
  const port = (s.address() as { port: number }).port;
  await new Promise((r) => s.close(r));
  return port;
}
