import { eventually } from '@pos/testing';
import {
  CustomerSyncFailed,
  CustomerSyncSucceeded,
  CustomerXeroDrifted,
  XeroConnectionChanged,
  verifyOAuthState,
} from '@pos/sync-contracts';
import request from 'supertest';
import { EventPublisher, EventTap, drainQueue } from './support/broker';
import { CustomerBody, CustomersInstance, CustomersSuite, Retailer } from './support/customers-harness';

const MAPPED = ['customerCode', 'firstName', 'lastName', 'companyName', 'email', 'phone', 'mobile', 'fax', 'physicalAddress', 'postalAddress', 'taxNumber'];

/**
 * The Xero icon per customer, driven by what xero-sync reports (published here exactly as xero-sync
 * publishes it): not linked, pending (red), synced (blue), failed with Xero's reason. Results are
 * applied once each and by version, so late and out-of-order results never show a stale state.
 */
describe('Xero status per customer', () => {
  const suite = new CustomersSuite();
  let svc: CustomersInstance;
  let pub: EventPublisher;
  let tap: EventTap;
  let shop: Retailer;
  let clock = Date.now();
  /** Distinct, increasing occurredAt values, as xero-sync's clock would give. */
  const tick = () => new Date((clock += 1000));

  const succeeded = (c: { id: string }, version: number, contactId = `contact-${c.id.slice(0, 8)}`, fields = ['email'], at = tick(), retailer = shop) =>
    pub.publish(CustomerSyncSucceeded, retailer.id, { customerId: c.id, customerVersion: version, xeroContactId: contactId, pushedFields: fields }, { occurredAt: at });
  const failed = (
    c: { id: string },
    version: number,
    error: { kind: 'validation' | 'auth' | 'not_connected' | 'rate_limited' | 'unavailable'; message: string },
    retrying: boolean,
    at = tick(),
  ) => pub.publish(CustomerSyncFailed, shop.id, { customerId: c.id, customerVersion: version, error, retrying }, { occurredAt: at });
  /** Waits until the customer's push history has grown to `n` entries (every result lands there). */
  const historyOf = (c: { id: string }, n: number) => shop.xeroWhen(c.id, (x) => x.history.length >= n, `${n} push results for ${c.id}`);

  /** A customer that Xero holds at version 1 (linked through an on-account sale). */
  async function linkedCustomer(fields: Record<string, unknown> = { firstName: 'Linda', lastName: 'Linked', email: 'linda@example.com' }) {
    const c = await shop.createCustomer(fields);
    expect((await shop.post(`/api/customers/${c.id}/on-account-sales`, { amount: 10, reference: 'first sale' })).status).toBe(201);
    await succeeded(c, 1, `contact-${c.id.slice(0, 8)}`, MAPPED);
    await shop.xeroWhen(c.id, (x) => x.status === 'synced', 'the customer to be synced');
    return c;
  }

  beforeAll(async () => {
    pub = await EventPublisher.open(suite.infra.amqpUrl);
    tap = await EventTap.open(suite.infra.amqpUrl, ['customer.changed.v1']);
    svc = await suite.start();
    shop = await suite.retailer(svc.url, 'Status Shop');
  });
  afterAll(async () => {
    await pub?.close();
    await tap?.close();
    await suite.close();
  });

  it('a new customer is not linked and its Xero view is empty', async () => {
    const c = await shop.createCustomer({ firstName: 'Nell', lastName: 'New' });
    expect(c.xeroStatus).toBe('not_linked');
    expect(await shop.xero(c.id)).toEqual({
      customerId: c.id,
      version: 1,
      status: 'not_linked',
      contactId: null,
      viewUrl: null,
      pendingFields: [],
      lastError: null,
      drift: null,
      driftMessage: null,
      connection: { status: 'disconnected', organisationName: null },
      history: [],
    });
    // an edit of a customer Xero does not know stays "not linked"
    await shop.updateCustomer(c.id, { email: 'nell@example.com' });
    expect((await shop.xero(c.id)).status).toBe('not_linked');
  });

  it('an on-account sale turns it pending (red) with every field waiting; the success turns it synced (blue) with a View-on-Xero link', async () => {
    const c = await shop.createCustomer({ companyName: 'Blue Icon Ltd', email: 'blue@example.com' });
    const sale = await shop.post(`/api/customers/${c.id}/on-account-sales`, { amount: 99.95, reference: 'INV-7' });
    expect(sale.status).toBe(201);
    expect(sale.body).toEqual({ id: expect.any(String), customerId: c.id, amount: 99.95, reference: 'INV-7', at: expect.any(String) });

    const pending = await shop.xero(c.id);
    expect(pending).toMatchObject({ status: 'pending', contactId: null, pendingFields: MAPPED, lastError: null });
    expect((await shop.get(`/api/customers/${c.id}`)).body.xeroStatus).toBe('pending');

    await pub.publish(XeroConnectionChanged, shop.id, { status: 'connected', tenantId: 'tenant-1', organisationName: 'Status Shop Ltd', shortCode: '!Ab3x9' }, { occurredAt: tick() });
    const at = tick();
    await succeeded(c, 1, 'c0ffee00-0000-4000-8000-00000000b1e0', MAPPED, at);
    const synced = await shop.xeroWhen(c.id, (x) => x.status === 'synced' && x.connection.status === 'connected', 'synced and connected');
    expect(synced).toEqual({
      customerId: c.id,
      version: 1,
      status: 'synced',
      contactId: 'c0ffee00-0000-4000-8000-00000000b1e0',
      viewUrl: 'https://go.xero.com/organisationlogin/default.aspx?shortcode=!Ab3x9&redirecturl=/Contacts/View/c0ffee00-0000-4000-8000-00000000b1e0',
      pendingFields: [],
      lastError: null,
      drift: null,
      driftMessage: null,
      connection: { status: 'connected', organisationName: 'Status Shop Ltd' },
      history: [{ at: at.toISOString(), version: 1, fields: MAPPED, outcome: 'succeeded' }],
    });
    const customer = (await shop.get(`/api/customers/${c.id}`)).body as CustomerBody;
    expect(customer).toMatchObject({ xeroStatus: 'synced', xeroContactId: 'c0ffee00-0000-4000-8000-00000000b1e0' });
    const found = await shop.get('/api/customers?xeroStatus=synced');
    expect(found.body.items.map((i: CustomerBody) => i.id)).toContain(c.id);
  });

  it('an edit of a linked customer turns it pending with only the changed fields, and the event names the contact', async () => {
    const c = await linkedCustomer();
    const edited = await shop.updateCustomer(c.id, { email: 'linda.l@example.com', note: 'moved' });
    expect(edited.xeroStatus).toBe('pending');
    expect(await shop.xero(c.id)).toMatchObject({ status: 'pending', version: 2, pendingFields: ['email'] });
    await shop.updateCustomer(c.id, { phone: '09 222' });
    expect((await shop.xero(c.id)).pendingFields).toEqual(['email', 'phone']);

    const events = await tap.waitFor(shop.id, (ms) => ms.some((m) => m.body['customerId'] === c.id && m.body['customerVersion'] === 3), 'the v3 event');
    const v3 = events.find((m) => m.body['customerId'] === c.id && m.body['customerVersion'] === 3);
    expect(v3?.body).toMatchObject({ reason: 'updated', changedFields: ['phone'], xeroContactId: `contact-${c.id.slice(0, 8)}` });
  });

  it('out of order: a success for version 2 while version 3 exists leaves it pending; late older results change only the history', async () => {
    const c = await linkedCustomer();
    await shop.updateCustomer(c.id, { email: 'v2@example.com' });
    await shop.updateCustomer(c.id, { phone: '09 333' }); // v3
    await succeeded(c, 2, undefined, ['email']);
    let x = await historyOf(c, 2);
    expect(x).toMatchObject({ status: 'pending', pendingFields: ['email', 'phone'] });
    expect((await shop.get(`/api/customers/${c.id}`)).body.xeroStatus).toBe('pending');

    await succeeded(c, 3, undefined, ['phone']);
    x = await historyOf(c, 3);
    expect(x).toMatchObject({ status: 'synced', pendingFields: [] });

    // results of older pushes arriving late: a failure for v2 and a success for v1
    await failed(c, 2, { kind: 'validation', message: 'late and irrelevant' }, false);
    await succeeded(c, 1, undefined, MAPPED);
    x = await historyOf(c, 5);
    expect(x).toMatchObject({ status: 'synced', lastError: null, pendingFields: [] });
    expect(x.history.map((h) => [h.version, h.outcome])).toEqual([
      [1, 'succeeded'],
      [2, 'failed'],
      [3, 'succeeded'],
      [2, 'succeeded'],
      [1, 'succeeded'],
    ]);
  });

  it("a refusal shows failed with Xero's reason and its kind; a retried one stays pending; push now asks again (202)", async () => {
    const c = await linkedCustomer({ companyName: 'Clash Co', email: 'clash@example.com' });
    await shop.updateCustomer(c.id, { companyName: 'Clashing Name Ltd' }); // v2

    await failed(c, 2, { kind: 'rate_limited', message: 'Xero: 60 calls a minute exceeded' }, true);
    let x = await historyOf(c, 2);
    expect(x).toMatchObject({ status: 'pending', lastError: { kind: 'rate_limited', message: 'Xero: 60 calls a minute exceeded', version: 2 } });
    expect(x.history[0]).toMatchObject({ version: 2, outcome: 'retrying', fields: ['companyName'] });

    await failed(c, 2, { kind: 'validation', message: 'The contact name Clashing Name Ltd is already assigned to another contact.' }, false);
    x = await historyOf(c, 3);
    expect(x).toMatchObject({
      status: 'failed',
      pendingFields: ['companyName'],
      lastError: { kind: 'validation', message: 'The contact name Clashing Name Ltd is already assigned to another contact.', version: 2 },
    });
    expect(x.history[0]).toMatchObject({ outcome: 'failed', error: 'The contact name Clashing Name Ltd is already assigned to another contact.' });
    expect((await shop.get(`/api/customers/${c.id}`)).body.xeroStatus).toBe('failed');
    expect((await shop.get('/api/customers?xeroStatus=failed')).body.items.map((i: CustomerBody) => i.id)).toEqual([c.id]);

    // "click the red icon"
    const push = await shop.post(`/api/customers/${c.id}/xero/push`);
    expect(push.status).toBe(202);
    expect(push.body).toMatchObject({ customerId: c.id, status: 'pending', pendingFields: expect.arrayContaining(MAPPED) });
    const events = await tap.waitFor(shop.id, (ms) => ms.some((m) => m.body['customerId'] === c.id && m.body['reason'] === 'manual_push'), 'the manual push');
    expect(events.find((m) => m.body['reason'] === 'manual_push' && m.body['customerId'] === c.id)?.body).toMatchObject({ customerVersion: 2, changedFields: MAPPED });

    await succeeded(c, 2, undefined, MAPPED);
    x = await historyOf(c, 4);
    expect(x).toMatchObject({ status: 'synced', lastError: null, pendingFields: [] });
  });

  it('a success and a failure for one version apply in the order they happened, whatever order they arrive in', async () => {
    const c = await linkedCustomer();
    await shop.updateCustomer(c.id, { email: 'order@example.com' }); // v2
    const retryAt = tick();
    const successAt = tick();
    await succeeded(c, 2, undefined, ['email'], successAt);
    await historyOf(c, 2);
    await failed(c, 2, { kind: 'unavailable', message: 'Xero 503' }, true, retryAt); // the earlier retry's report, delivered late
    const x = await historyOf(c, 3);
    expect(x).toMatchObject({ status: 'synced', lastError: null });
  });

  it('a note-only edit keeps a synced customer synced; a success counts for the last version Xero needed', async () => {
    const c = await linkedCustomer();
    expect((await shop.updateCustomer(c.id, { note: 'VIP' })).xeroStatus).toBe('synced'); // v2, nothing to push
    await shop.updateCustomer(c.id, { lastName: 'Relinked' }); // v3
    await shop.updateCustomer(c.id, { note: 'VIP, moved' }); // v4
    await succeeded(c, 3, undefined, ['lastName']);
    const x = await historyOf(c, 2);
    expect(x).toMatchObject({ version: 4, status: 'synced', pendingFields: [] });
  });

  it('applies a redelivered result once', async () => {
    const c = await linkedCustomer();
    await shop.updateCustomer(c.id, { email: 'dup@example.com' }); // v2
    const e = await failed(c, 2, { kind: 'unavailable', message: 'Xero 503' }, true);
    await pub.raw(CustomerSyncFailed.routingKey, e, e.eventId); // the broker delivers it again
    await succeeded(c, 2); // fence: applied after both copies (one customer's results apply in arrival order)
    const x = await historyOf(c, 3);
    expect(x.status).toBe('synced');
    expect(x.history.map((h) => h.outcome)).toEqual(['succeeded', 'retrying', 'succeeded']);
  });

  it('drift: shows the fields edited in Xero; push now is refused when Xero has everything, allowed to overwrite drift', async () => {
    const c = await linkedCustomer();
    const seen = tick();
    const nothing = await shop.post(`/api/customers/${c.id}/xero/push`);
    expect(nothing.status).toBe(409);
    expect(nothing.body).toMatchObject({ statusCode: 409, details: { code: 'CUSTOMER.NOTHING_TO_PUSH' } });

    await pub.publish(
      CustomerXeroDrifted,
      shop.id,
      { customerId: c.id, xeroContactId: `contact-${c.id.slice(0, 8)}`, fields: { email: { pos: 'linda@example.com', xero: 'linda@xero-edit.com' } } },
      { occurredAt: seen },
    );
    const x = await shop.xeroWhen(c.id, (v) => v.drift !== null, 'the drift');
    expect(x).toMatchObject({
      status: 'synced',
      drift: { email: { pos: 'linda@example.com', xero: 'linda@xero-edit.com', seenAt: seen.toISOString() } },
      driftMessage: expect.stringContaining('next POS edit or on-account sale will overwrite'),
    });
    const listed = (await shop.get('/api/customers?xeroStatus=synced')).body.items.find((i: CustomerBody) => i.id === c.id);
    expect(listed).toMatchObject({ xeroStatus: 'synced', xeroDrifted: ['email'] });

    expect((await shop.post(`/api/customers/${c.id}/xero/push`)).status).toBe(202);
    await succeeded(c, 1, undefined, MAPPED);
    const after = await historyOf(c, 2);
    expect(after).toMatchObject({ status: 'synced', drift: null, driftMessage: null });
  });

  it('unlink (the fix for a contact archived in Xero): clears the link and asks xero-sync for a full push with reason unlinked', async () => {
    const c = await linkedCustomer();
    await pub.publish(
      CustomerSyncFailed,
      shop.id,
      { customerId: c.id, customerVersion: 1, error: { kind: 'archived', message: 'archived', hint: 'Restore it in Xero, or unlink' }, retrying: false },
      { occurredAt: tick() },
    );
    await shop.xeroWhen(c.id, (x) => x.status === 'failed', 'the archived failure');
    const res = await shop.post(`/api/customers/${c.id}/xero/unlink`);
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ status: 'pending', contactId: null, lastError: null, viewUrl: null });
    const events = await tap.waitFor(shop.id, (ms) => ms.some((m) => m.body['customerId'] === c.id && m.body['reason'] === 'unlinked'), 'the unlink');
    const e = events.find((m) => m.body['customerId'] === c.id && m.body['reason'] === 'unlinked');
    expect(e?.body['xeroContactId']).toBeUndefined();
    expect(e?.body['changedFields']).toEqual(expect.arrayContaining(['email', 'firstName']));

    const again = await shop.post(`/api/customers/${c.id}/xero/unlink`);
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ statusCode: 409, details: { code: 'CUSTOMER.NOT_LINKED' } });
  });

  it("ignores a result naming another retailer's customer, and results for deleted customers", async () => {
    const c = await linkedCustomer();
    await shop.updateCustomer(c.id, { email: 'mine@example.com' }); // v2, pending
    const intruder = await suite.retailer(svc.url, 'Intruder');
    await succeeded(c, 2, 'contact-forged', ['email'], tick(), intruder);
    await failed(c, 2, { kind: 'unavailable', message: 'fence' }, true);
    const x = await historyOf(c, 2);
    expect(x).toMatchObject({ status: 'pending', contactId: `contact-${c.id.slice(0, 8)}` });
    expect(x.history.map((h) => h.outcome)).toEqual(['retrying', 'succeeded']);

    const gone = await shop.createCustomer({ firstName: 'Gone' });
    await shop.delete(`/api/customers/${gone.id}`);
    await succeeded(gone, 1);
    await succeeded(c, 2); // still consuming
    expect((await historyOf(c, 3)).status).toBe('synced');
  });

  it('dead-letters a message that breaks the contract, with the reason, and keeps consuming', async () => {
    const c = await linkedCustomer();
    const badId = globalThis.crypto.randomUUID();
    await pub.raw(CustomerSyncSucceeded.routingKey, { eventId: badId, type: 'customer.sync-succeeded', retailerId: shop.id, customerId: c.id }, badId);
    const dead = await eventually(
      async () => {
        const got = await drainQueue(suite.infra.amqpUrl, `${suite.queuePrefix}customers.xero-status.dlq`);
        return got.find((m) => m.properties.messageId === badId);
      },
      { what: 'the broken message in the dead-letter queue' },
    );
    expect(String(dead.properties.headers?.['x-death-reason'])).toContain('ContractViolation');
    await shop.updateCustomer(c.id, { email: 'still@example.com' });
    await succeeded(c, 2);
    expect((await historyOf(c, 2)).status).toBe('synced');
  });

  it('keeps the last 20 push attempts, newest first', async () => {
    const c = await linkedCustomer();
    await shop.updateCustomer(c.id, { email: 'many@example.com' }); // v2
    for (let i = 1; i <= 21; i++) await failed(c, 2, { kind: 'unavailable', message: `attempt ${i}` }, true);
    const x = await shop.xeroWhen(c.id, (v) => v.history[0]?.error === 'attempt 21', 'the 21st attempt');
    expect(x.history).toHaveLength(20);
    expect(x.history[0].error).toBe('attempt 21');
    expect(x.history[19].error).toBe('attempt 2');
    expect(x).toMatchObject({ status: 'pending', lastError: { kind: 'unavailable', message: 'attempt 21' } });
  });

  describe('the Xero connection', () => {
    let r: Retailer;
    const connection = async () => (await r.get('/api/xero/connection')).body;
    const consumedConnectionEvents = async () => {
      const text = (await request(svc.url).get('/metrics')).text;
      const m = /^events_consumed_total\{routing_key="xero\.connection-changed\.v1",outcome="applied"\} (\d+)$/m.exec(text);
      return m ? Number(m[1]) : 0;
    };

    beforeAll(async () => {
      r = await suite.retailer(svc.url, 'Connecting Shop');
    });

    it('is disconnected before xero-sync reports anything', async () => {
      expect(await connection()).toEqual({ status: 'disconnected', tenantId: null, organisationName: null, shortCode: null, changedAt: null });
    });

    it('shows what xero-sync reported, ignoring a report older than the one shown', async () => {
      const at = tick();
      await pub.publish(XeroConnectionChanged, r.id, { status: 'connected', tenantId: 't-9', organisationName: 'Connecting Shop Ltd', shortCode: 'Zx1' }, { occurredAt: at });
      const shown = await eventually(async () => ((await connection()).status === 'connected' ? connection() : undefined), { what: 'connected' });
      expect(shown).toEqual({ status: 'connected', tenantId: 't-9', organisationName: 'Connecting Shop Ltd', shortCode: 'Zx1', changedAt: at.toISOString() });

      const consumed = await consumedConnectionEvents();
      await pub.publish(XeroConnectionChanged, r.id, { status: 'disconnected' }, { occurredAt: new Date(at.getTime() - 60_000) });
      await eventually(async () => ((await consumedConnectionEvents()) > consumed ? true : undefined), { what: 'the stale report to be consumed' });
      expect((await connection()).status).toBe('connected');

      await pub.publish(XeroConnectionChanged, r.id, { status: 'expired', tenantId: 't-9' }, { occurredAt: tick() });
      await eventually(async () => ((await connection()).status === 'expired' ? true : undefined), { what: 'expired' });
      // another retailer's connection is its own
      expect((await shop.get('/api/xero/connection')).body).toMatchObject({ status: 'connected', organisationName: 'Status Shop Ltd' });
    });

    it("GET /api/xero/connect redirects to Xero's authorize page with a signed, expiring state naming the retailer", async () => {
      const res = await r.get('/api/xero/connect').redirects(0);
      expect(res.status).toBe(302);
      expect(res.headers['cache-control']).toBe('no-store');
      const url = new URL(res.headers['location']);
      expect(`${url.origin}${url.pathname}`).toBe('http://127.0.0.1:3002/identity/connect/authorize');
      expect(Object.fromEntries(url.searchParams)).toEqual({
        response_type: 'code',
        client_id: 'sandbox-client',
        redirect_uri: 'http://127.0.0.1:3001/xero/callback',
        scope: 'openid profile email offline_access accounting.contacts accounting.settings.read',
        state: expect.any(String),
      });
      const state = url.searchParams.get('state') ?? '';
      const checked = verifyOAuthState(state, suite.oauthStateSecret);
      expect(checked).toEqual({ ok: true, value: { retailerId: r.id, nonce: expect.any(String), expiresAt: expect.any(Number) } });
      const nowSeconds = Date.now() / 1000;
      if (checked.ok) expect(checked.value.expiresAt - nowSeconds).toBeGreaterThan(60);
      if (checked.ok) expect(checked.value.expiresAt - nowSeconds).toBeLessThanOrEqual(600);
      expect(verifyOAuthState(state, 'another-secret-entirely')).toEqual({ ok: false, error: 'bad_signature' });
      expect(verifyOAuthState(state, suite.oauthStateSecret, new Date(Date.now() + 11 * 60_000))).toEqual({ ok: false, error: 'expired' });
      // two flows never share a state
      const again = new URL((await r.get('/api/xero/connect').redirects(0)).headers['location']);
      expect(again.searchParams.get('state')).not.toBe(state);
    });
  });
});
