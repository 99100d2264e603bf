import mongoose from 'mongoose';
import { RunningService, eventually, freePort, mongoUriFor, startService, testInfra, uniqueName } from '@pos/testing';

jest.setTimeout(180_000);

const STATE_SECRET = `state-${uniqueName('secret')}`;
/** A small page size (a setting for tests; the default is Xero's 1000) so the organisation spans several pages. */
const PAGE_SIZE = 4;

interface ImportBody {
  id: string;
  status: string;
  dryRun: boolean;
  pages: { done: number; total: number | null; ignored: number[] };
  contacts: { seen: number; created: number; linked: number; skipped: { supplierOnly: number; archived: number; alreadyLinked: number }; ambiguous: number; refused: number };
  summary: string;
}
interface XeroStatus {
  status: string;
  contactId: string | null;
}
type Customer = { id: string; version: number; companyName?: string; xeroContactId?: string | null };

/**
 * Import from Xero end to end: the sandbox, the customers service and xero-sync as real processes
 * on the real broker and database. xero-sync pages the sandbox organisation through GET /Contacts
 * under the tenant's limiter, each page through its outbox; customers applies the pages.
 */
describe('Import from Xero: a mixed organisation imports to exactly the expected customers and links', () => {
  const infra = testInfra();
  const adminToken = `admin-${uniqueName('token')}`;
  const queuePrefix = `${uniqueName('import-e2e')}.`;
  const syncDb = uniqueName('xero_sync');
  let customers: RunningService;
  let sync: RunningService;
  let sandbox: RunningService;
  let syncEnv: Record<string, string>;
  let syncPort: number;
  let tenantId: string;
  let key: string;
  let mongo: mongoose.Connection;
  const pos: Record<string, Customer> = {};
  const xero: Record<string, string> = {};

  const EXPECTED = { seen: 13, created: 3, linked: 4, skipped: { supplierOnly: 1, archived: 1, alreadyLinked: 1 }, ambiguous: 3, refused: 0 };

  const admin = async <T>(method: string, p: string, body?: unknown): Promise<T> => {
    const r = await fetch(`${sandbox.url}${p}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await r.text();
    if (!r.ok) throw new Error(`sandbox ${method} ${p} answered ${r.status}: ${text}`);
    return (text ? JSON.parse(text) : undefined) as T;
  };
  const api = (p: string, init: RequestInit = {}) =>
    fetch(`${customers.url}/api${p}`, {
      ...init,
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', ...(init.headers ?? {}) },
    });
  const json = async <T>(p: string, init?: RequestInit) => (await api(p, init).then((r) => r.json())) as T;
  const startSync = () => startService('xero-sync', syncEnv, { port: syncPort });

  async function createCustomer(body: Record<string, unknown>): Promise<Customer> {
    const r = await api('/customers', { method: 'POST', body: JSON.stringify(body) });
    expect(r.status).toBe(201);
    return (await r.json()) as Customer;
  }
  const contact = async (fields: Record<string, unknown>) =>
    (await admin<{ ContactID: string }>('POST', `/sandbox/organisations/${tenantId}/contacts`, { IsCustomer: true, ...fields })).ContactID;

  async function startImport(body: Record<string, unknown>): Promise<ImportBody> {
    const r = await api('/imports/xero', { method: 'POST', body: JSON.stringify(body) });
    if (r.status !== 202) throw new Error(`POST /imports/xero answered ${r.status}: ${await r.text()}`);
    return (await r.json()) as ImportBody;
  }
  const importWhen = (id: string, accept: (i: ImportBody) => boolean, what: string) =>
    eventually(async () => {
      const i = await json<ImportBody>(`/imports/${id}`);
      return accept(i) ? i : undefined;
    }, { what, timeoutMs: 60_000, intervalMs: 100 });
  const finished = (id: string) => importWhen(id, (i) => ['completed', 'failed', 'cancelled'].includes(i.status), `import ${id} to end`);

  /** Every customer of the retailer as the API shows it (to prove that something changed nothing). */
  async function everyCustomer() {
    const page = await json<{ items: Customer[]; total: number }>('/customers?pageSize=100');
    return page.items.map((c) => ({ id: c.id, version: c.version, xeroContactId: c.xeroContactId ?? null })).sort((a, b) => a.id.localeCompare(b.id));
  }
  const syncJobs = () => mongo.collection<{ _id: string; status: string }>('import_jobs');
  const syncPages = () => mongo.collection<{ _id: string; importId: string; page: number; pageCount: number }>('import_pages');
  const contactGets = async () =>
    (await admin<{ method: string; path: string }[]>('GET', `/sandbox/organisations/${tenantId}/requests?method=GET&path=/Contacts`)).length;

  beforeAll(async () => {
    const [sandboxPort, customersPort] = [await freePort(), await freePort()];
    syncPort = await freePort();
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
    syncEnv = {
      ...common,
      XERO_SYNC_DB_NAME: syncDb,
      XERO_SYNC_PORT: String(syncPort),
      XERO_API_URL: sandbox.url,
      TOKEN_ENCRYPTION_KEY: uniqueName('key'),
      PUSH_POLL_MS: '100',
      XERO_IMPORT_PAGE_SIZE: String(PAGE_SIZE),
    };
    [customers, sync] = await Promise.all([
      startService(
        'customers',
        { ...common, CUSTOMERS_DB_NAME: uniqueName('customers'), ADMIN_TOKEN: adminToken, CUSTOMERS_PORT: String(customersPort), OUTBOX_POLL_MS: '50' },
        { port: customersPort },
      ),
      startSync(),
    ]);
    mongo = await mongoose.createConnection(mongoUriFor(syncDb, infra.mongoUri)).asPromise();
    tenantId = (await admin<{ tenantId: string }>('POST', '/sandbox/organisations', { name: 'Import Spec Ltd' })).tenantId;
    const retailer = await fetch(`${customers.url}/api/retailers`, {
      method: 'POST',
      headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Import Spec Shop' }),
    }).then((r) => r.json() as Promise<{ apiKey: string }>);
    key = retailer.apiKey;

    // connect through the real OAuth flow
    const start = await api('/xero/connect', { redirect: 'manual' });
    const authorize = new URL(start.headers.get('location') ?? '');
    authorize.searchParams.set('tenant', tenantId);
    const consent = await fetch(authorize, { redirect: 'manual' });
    await fetch(consent.headers.get('location') ?? '', { redirect: 'manual' });
    await eventually(async () => ((await json<{ status: string }>('/xero/connection')).status === 'connected' ? true : undefined), { what: 'the connection' });

    // the POS before the import: one customer per match rule, twins, a customer two contacts match, one pushed already
    pos['byNumber'] = await createCustomer({ companyName: 'Numbered Ltd' });
    pos['byCode'] = await createCustomer({ companyName: 'Coded Ltd', customerCode: 'ACC-2' });
    pos['byNameEmail'] = await createCustomer({ firstName: 'Zoë', lastName: 'Ångström', email: 'Zoe@Example.com' });
    pos['byEmail'] = await createCustomer({ companyName: 'Email Only Ltd', email: 'billing@email.test' });
    pos['twinA'] = await createCustomer({ companyName: 'Twin A', email: 'twins@example.com' });
    pos['twinB'] = await createCustomer({ companyName: 'Twin B', email: 'twins@example.com' });
    pos['shared'] = await createCustomer({ companyName: 'Shared Customer', email: 'shared@example.com' });
    pos['pushed'] = await createCustomer({ companyName: 'Pushed Earlier Ltd' });
    expect((await api(`/customers/${pos['pushed'].id}/on-account-sales`, { method: 'POST', body: JSON.stringify({ amount: 5, reference: 'S-1' }) })).status).toBe(201);
    const pushed = await eventually(async () => {
      const x = await json<XeroStatus>(`/customers/${pos['pushed'].id}/xero`);
      return x.status === 'synced' ? x : undefined;
    }, { what: 'the pushed customer synced', timeoutMs: 30_000 });
    xero['pushed'] = String(pushed.contactId);

    // the organisation: customers, a supplier, both, a general contact, an archived customer
    xero['number'] = await contact({ Name: 'Renamed In Xero', ContactNumber: pos['byNumber'].id });
    xero['code'] = await contact({ Name: 'Coded Limited', AccountNumber: 'ACC-2' });
    xero['nameEmail'] = await contact({ Name: 'Zoe Angstrom', FirstName: 'Zoe', LastName: 'Angstrom', EmailAddress: 'ZOE@example.com' });
    xero['email'] = await contact({ Name: 'Another Name', EmailAddress: 'billing@email.test' });
    xero['twins'] = await contact({ Name: 'Twin Contact', EmailAddress: 'twins@example.com' });
    xero['sharedA'] = await contact({ Name: 'Shared One', EmailAddress: 'shared@example.com' });
    xero['sharedB'] = await contact({ Name: 'Shared Two', EmailAddress: 'shared@example.com' });
    xero['newCustomer'] = await contact({ Name: 'Brand New Customer', EmailAddress: 'new@example.com' });
    xero['general'] = await contact({ Name: 'General Contact', IsCustomer: false, IsSupplier: false });
    xero['both'] = await contact({ Name: 'Customer And Supplier', IsSupplier: true });
    xero['supplier'] = await contact({ Name: 'Supplier Only', IsCustomer: false, IsSupplier: true });
    xero['archived'] = await contact({ Name: 'Archived Customer', EmailAddress: 'archived@example.com', ContactStatus: 'ARCHIVED' });
  });

  afterAll(async () => {
    await Promise.all([customers?.stop(), sync?.stop()]);
    await sandbox?.stop();
    await mongo?.close();
  });

  it('a dry run pages every contact, reports what the import would do, and changes nothing', async () => {
    const before = await everyCustomer();
    const job = await startImport({ dryRun: true });
    const done = await finished(job.id);
    expect(done).toMatchObject({ status: 'completed', dryRun: true, pages: { done: 4, total: 4, ignored: [] } });
    expect(done.contacts).toEqual(EXPECTED);
    expect(await everyCustomer()).toEqual(before);
    // full contacts, 4 to a page, archived ones included
    const gets = await admin<{ query: Record<string, string> }[]>('GET', `/sandbox/organisations/${tenantId}/requests?method=GET&path=/Contacts`);
    expect(gets.at(-1)?.query).toMatchObject({ page: '4', pageSize: String(PAGE_SIZE), includeArchived: 'true' });
    expect(gets.at(-1)?.query['summaryOnly']).not.toBe('true');
  });

  it('imports the organisation to exactly the expected customers and links', async () => {
    const job = await startImport({});
    const done = await finished(job.id);
    expect(done).toMatchObject({ status: 'completed', pages: { done: 4, total: 4 } });
    expect(done.contacts).toEqual(EXPECTED);
    for (const [customer, c] of [
      ['byNumber', 'number'],
      ['byCode', 'code'],
      ['byNameEmail', 'nameEmail'],
      ['byEmail', 'email'],
      ['pushed', 'pushed'],
    ]) {
      expect(await json<XeroStatus>(`/customers/${pos[customer].id}/xero`)).toMatchObject({ status: 'synced', contactId: xero[c] });
    }
    for (const c of ['twinA', 'twinB', 'shared']) expect(await json<XeroStatus>(`/customers/${pos[c].id}/xero`)).toMatchObject({ status: 'not_linked', contactId: null });
    const all = await json<{ items: Customer[] }>('/customers?pageSize=100');
    const created = all.items.filter((c) => !Object.values(pos).some((p) => p.id === c.id));
    expect(created.map((c) => c.xeroContactId).sort()).toEqual([xero['newCustomer'], xero['general'], xero['both']].sort());
    expect(all.items).toHaveLength(Object.keys(pos).length + 3);
  });

  it('a re-run is a no-op: nothing created, nothing linked twice', async () => {
    const before = await everyCustomer();
    const done = await finished((await startImport({})).id);
    expect(done.contacts).toEqual({ ...EXPECTED, created: 0, linked: 0, skipped: { supplierOnly: 1, archived: 1, alreadyLinked: 8 } });
    expect(await everyCustomer()).toEqual(before);
  });

  let cancelledId = '';
  let cancelledPages = 0;

  it('cancel stops the paging in xero-sync', async () => {
    await admin('PUT', '/sandbox/faults', { tenantId, latencyMs: 1500 });
    const job = await startImport({ dryRun: true });
    cancelledId = job.id;
    await eventually(async () => ((await syncPages().countDocuments({ importId: job.id })) >= 1 ? true : undefined), { what: 'a first page fetched', timeoutMs: 30_000 });
    expect((await api(`/imports/${job.id}`, { method: 'DELETE' })).status).toBeLessThan(300);
    expect(await finished(job.id)).toMatchObject({ status: 'cancelled' });
    await eventually(async () => ((await syncJobs().findOne({ _id: job.id }))?.status === 'cancelled' ? true : undefined), { what: 'xero-sync to stop paging', timeoutMs: 30_000 });
    cancelledPages = await syncPages().countDocuments({ importId: job.id });
    expect(cancelledPages).toBeLessThan(4);
  });

  it('xero-sync killed (-9) mid-import resumes from the last page recorded, skipping none', async () => {
    // the cancelled import's paging stopped: a page fetch in flight at the cancel is the most it had left
    const job = await startImport({ dryRun: true });
    await eventually(async () => ((await syncPages().countDocuments({ importId: job.id })) >= 1 ? true : undefined), { what: 'a first page fetched', timeoutMs: 30_000 });
    await sync.kill();
    const recorded = await syncPages().countDocuments({ importId: job.id });
    expect(recorded).toBeLessThan(4);
    await admin('DELETE', '/sandbox/faults');
    const getsBefore = await contactGets();
    sync = await startSync();
    const done = await finished(job.id);
    expect(done).toMatchObject({ status: 'completed', pages: { done: 4, total: 4, ignored: [] } });
    expect(done.contacts).toEqual({ ...EXPECTED, created: 0, linked: 0, skipped: { supplierOnly: 1, archived: 1, alreadyLinked: 8 } });
    const pages = await syncPages().find({ importId: job.id }).sort({ page: 1 }).toArray();
    expect(pages.map((p) => p.page)).toEqual([1, 2, 3, 4]);
    // it resumed: at most the page in flight at the kill was fetched again, not the whole organisation
    expect((await contactGets()) - getsBefore).toBeLessThanOrEqual(4 - recorded + 1);
    expect(await syncPages().countDocuments({ importId: cancelledId })).toBe(cancelledPages);
  });

  it('a connection that expires mid-import fails it with a readable error, keeping what it applied', async () => {
    await admin('PUT', '/sandbox/faults', { tenantId, latencyMs: 1500 });
    try {
      const job = await startImport({ dryRun: true });
      await importWhen(job.id, (i) => i.pages.done >= 1, 'a first page applied');
      // stage what a refresh Xero refused leaves behind: the connection expired in xero-sync
      const connections = mongo.collection<{ _id: string; status: string }>('xero_connections');
      const connection = await connections.findOne({});
      await connections.updateOne({ _id: String(connection?._id) }, { $set: { status: 'expired' } });
      const done = await finished(job.id);
      expect(done.status).toBe('failed');
      expect(done.summary).toMatch(/reconnect Xero/);
      expect(done.pages.done).toBeGreaterThanOrEqual(1);
      expect(await syncJobs().findOne({ _id: job.id })).toMatchObject({ status: 'failed', error: expect.stringMatching(/not connected/) });
    } finally {
      await admin('DELETE', '/sandbox/faults');
    }
  });
});
