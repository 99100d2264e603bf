import { RunningService, eventually, freePort, startService, testInfra, uniqueName } from '@pos/testing';

jest.setTimeout(120_000);

const STATE_SECRET = `state-${uniqueName('secret')}`;

interface XeroStatus {
  status: string;
  version: number;
  contactId: string | null;
  viewUrl: string | null;
  lastError: { kind: string; message: string; hint?: string } | null;
  history: { outcome: string; fields: string[] }[];
}
type Contact = { ContactID: string; ContactNumber?: string; Name: string; EmailAddress?: string; FirstName?: string; LastName?: string };

/**
 * The whole system as separate processes, the customers service's real events reaching xero-sync over
 * RabbitMQ and xero-sync's results reaching the customers service: connect through the real OAuth
 * flow, sell on account, edit, and check that Xero converges on the POS state without duplicates.
 */
describe('a retailer connected to Xero: POS changes reach Xero', () => {
  const infra = testInfra();
  const adminToken = `admin-${uniqueName('token')}`;
  const queuePrefix = `${uniqueName('sync-e2e')}.`;
  let customers: RunningService;
  let sync: RunningService;
  let sandbox: RunningService;
  let tenantId: string;
  let key: string;

  const admin = async <T>(method: string, p: string, body?: unknown): Promise<T> => {
    const r = await fetch(`${sandbox.url}${p}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return (await r.json()) as T;
  };
  const api = (p: string, init: RequestInit = {}) =>
    fetch(`${customers.url}/api${p}`, {
      ...init,
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', ...(init.headers ?? {}) },
    });

  beforeAll(async () => {
    const [sandboxPort, customersPort, syncPort] = [await freePort(), await freePort(), await freePort()];
    sandbox = await startService('xero-sandbox', { XERO_SANDBOX_PORT: String(sandboxPort), XERO_SANDBOX_SEED_DEMO: 'false' }, { port: sandboxPort, waitFor: 'live' });
    const common = {
      MONGODB_URI: infra.mongoUri,
      AMQP_URL: infra.amqpUrl,
      QUEUE_PREFIX: queuePrefix,
      QUEUE_EXPIRES_MS: '60000',
      OAUTH_STATE_SECRET: STATE_SECRET,
      XERO_REDIRECT_URI: `http://127.0.0.1:${syncPort}/xero/callback`,
      XERO_AUTHORIZE_URL: `${sandbox.url}/identity/connect/authorize`,
    };
    [customers, sync] = await Promise.all([
      startService(
        'customers',
        { ...common, CUSTOMERS_DB_NAME: uniqueName('customers'), ADMIN_TOKEN: adminToken, CUSTOMERS_PORT: String(customersPort), OUTBOX_POLL_MS: '50' },
        { port: customersPort },
      ),
      startService(
        'xero-sync',
        { ...common, XERO_SYNC_DB_NAME: uniqueName('xero_sync'), XERO_SYNC_PORT: String(syncPort), XERO_API_URL: sandbox.url, TOKEN_ENCRYPTION_KEY: uniqueName('key'), PUSH_POLL_MS: '100' },
        { port: syncPort },
      ),
    ]);
    tenantId = (await admin<{ tenantId: string }>('POST', '/sandbox/organisations', { name: 'System Spec Ltd' })).tenantId;
    const retailer = await fetch(`${customers.url}/api/retailers`, {
      method: 'POST',
      headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'System Spec Shop' }),
    }).then((r) => r.json());
    key = retailer.apiKey;
  });

  afterAll(async () => {
    await Promise.all([customers?.stop(), sync?.stop()]);
    await sandbox?.stop();
  });

  const xeroOf = (id: string) => api(`/customers/${id}/xero`).then((r) => r.json() as Promise<XeroStatus>);
  const synced = (id: string, version: number) =>
    eventually(async () => {
      const x = await xeroOf(id);
      return x.status === 'synced' && x.version === version ? x : undefined;
    }, { what: `customer ${id} synced at v${version}`, timeoutMs: 30_000 });

  async function createCustomer(body: Record<string, unknown>) {
    const r = await api('/customers', { method: 'POST', body: JSON.stringify(body) });
    expect(r.status).toBe(201);
    return (await r.json()) as { id: string; version: number };
  }
  const sell = (id: string) => api(`/customers/${id}/on-account-sales`, { method: 'POST', body: JSON.stringify({ amount: 10, reference: 'INV' }) });

  it('connects through GET /api/xero/connect, the sandbox consent and the callback', async () => {
    const start = await api('/xero/connect', { redirect: 'manual' });
    expect(start.status).toBe(302);
    const authorize = new URL(start.headers.get('location') ?? '');
    authorize.searchParams.set('tenant', tenantId);
    const consent = await fetch(authorize, { redirect: 'manual' });
    expect(consent.status).toBe(302);
    const callback = await fetch(consent.headers.get('location') ?? '', { redirect: 'manual' });
    expect(callback.status).toBe(302);
    const page = await fetch(new URL(callback.headers.get('location') ?? '', sync.url));
    expect(await page.text()).toContain('System Spec Ltd');
    const connection = await eventually(async () => {
      const c = await api('/xero/connection').then((r) => r.json());
      return c.status === 'connected' ? c : undefined;
    }, { what: 'the customers service showing the connection' });
    expect(connection).toMatchObject({ tenantId, organisationName: 'System Spec Ltd', shortCode: expect.any(String) });
  });

  it('an on-account sale turns a new customer synced with a view-on-Xero link; an edit sends only what changed', async () => {
    const c = await createCustomer({ firstName: 'Ada', lastName: 'Lovelace', email: 'ada@example.com', phone: '09 555 0100' });
    expect((await sell(c.id)).status).toBe(201);
    const first = await synced(c.id, 1);
    expect(first.viewUrl).toContain(first.contactId);

    const edit = await api(`/customers/${c.id}`, { method: 'PATCH', body: JSON.stringify({ email: 'countess@example.com' }) });
    expect(edit.status).toBe(200);
    const second = await synced(c.id, 2);
    expect(second.history[0]).toMatchObject({ outcome: 'succeeded', fields: ['email'] });
    const posts = await admin<{ body: { Contacts?: Record<string, unknown>[] } }[]>('GET', `/sandbox/organisations/${tenantId}/requests?method=POST&path=/Contacts`);
    expect(posts.at(-1)?.body.Contacts).toEqual([{ ContactID: first.contactId, EmailAddress: 'countess@example.com' }]);
  });

  it('a name clash shows failed with a hint, and renaming fixes it', async () => {
    await admin('POST', `/sandbox/organisations/${tenantId}/contacts`, { Name: 'Charles Babbage' });
    const c = await createCustomer({ firstName: 'Charles', lastName: 'Babbage' });
    await sell(c.id);
    const failed = await eventually(async () => {
      const x = await xeroOf(c.id);
      return x.status === 'failed' ? x : undefined;
    }, { what: 'the failure', timeoutMs: 30_000 });
    expect(failed.lastError).toMatchObject({ kind: 'name_taken', hint: expect.stringContaining('Charles Babbage') });
    await api(`/customers/${c.id}`, { method: 'PATCH', body: JSON.stringify({ lastName: 'Babbage FRS' }) });
    await synced(c.id, 2);
  });

  it('converges: every contact equals the POS state, with no duplicates', async () => {
    const made = await Promise.all(
      Array.from({ length: 12 }, (_, i) => createCustomer({ firstName: `Conv${i}`, lastName: `Check ${uniqueName('n').slice(-6)}`, email: `c${i}@example.com` })),
    );
    await Promise.all(made.map((c) => sell(c.id)));
    const edited = made.filter((_, i) => i % 3 === 0);
    await Promise.all(edited.map((c) => api(`/customers/${c.id}`, { method: 'PATCH', body: JSON.stringify({ email: `edited-${c.id.slice(0, 6)}@example.com` }) })));
    for (const c of made) await synced(c.id, edited.includes(c) ? 2 : 1);

    const contacts = await admin<Contact[]>('GET', `/sandbox/organisations/${tenantId}/contacts`);
    for (const c of made) {
      const pos = await api(`/customers/${c.id}`).then((r) => r.json());
      const mine = contacts.filter((x) => x.ContactNumber === c.id);
      expect(mine).toHaveLength(1);
      expect(mine[0]).toMatchObject({ Name: `${pos.firstName} ${pos.lastName}`, FirstName: pos.firstName, LastName: pos.lastName, EmailAddress: pos.email });
    }
  });
});
