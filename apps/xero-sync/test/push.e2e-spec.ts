import { INestApplication } from '@nestjs/common';
import { AmqpClient } from '@pos/messaging';
import {
  CustomerChanged,
  CustomerChangedV1,
  CustomerSyncFailed,
  CustomerSyncSucceeded,
  EVENTS_EXCHANGE,
  Payload,
  buildEvent,
} from '@pos/sync-contracts';
import { eventually, mongoUriFor, testInfra, uniqueName } from '@pos/testing';
import * as amqp from 'amqplib';
import mongoose from 'mongoose';
import { TokenCipher } from '../src/connections/token-cipher';
import { createXeroSyncApp } from '../src/app/create-app';
import { loadXeroSyncConfig } from '../src/config/xero-sync.config';
import { consentThroughSandbox, freePort } from './support/connect-flow';
import { SandboxProcess, startSandbox } from './support/sandbox-process';

const SECRET = 'state-secret-for-the-push-spec';
const TOKEN_KEY = 'token-key-for-the-push-spec';

interface LoggedRequest {
  id: number;
  method: string;
  path: string;
  query: Record<string, unknown>;
  headers: Record<string, string>;
  body: { Contacts?: Record<string, unknown>[] };
  status: number | null;
}
type Contact = Record<string, unknown> & { ContactID: string; ContactNumber?: string; Name: string; Phones?: { PhoneType: string; PhoneNumber?: string }[] };

/**
 * The pusher end to end: customer.changed.v1 over the real broker → ledger → the sandbox (a Xero
 * faithful to the OpenAPI) → customer.sync-succeeded / sync-failed back on the broker.
 */
describe('pushing customers to Xero', () => {
  const infra = testInfra();
  const dbName = uniqueName('xero_sync');
  const prefix = `${uniqueName('push')}.`;
  let retailerId = uniqueName('retailer');
  let sandbox: SandboxProcess;
  let app: INestApplication;
  let publisher: AmqpClient;
  let events: amqp.ChannelModel;
  let tenantId: string;
  let syncUrl: string;
  let db: mongoose.Connection;
  const results: Record<string, unknown>[] = [];

  beforeAll(async () => {
    sandbox = await startSandbox();
    const port = await freePort();
    app = await createXeroSyncApp(
      loadXeroSyncConfig({
        MONGODB_URI: infra.mongoUri,
        AMQP_URL: infra.amqpUrl,
        XERO_SYNC_DB_NAME: dbName,
        QUEUE_PREFIX: prefix,
        QUEUE_EXPIRES_MS: '60000',
        LOG_LEVEL: 'silent',
        XERO_API_URL: sandbox.url,
        XERO_REDIRECT_URI: `http://127.0.0.1:${port}/xero/callback`,
        OAUTH_STATE_SECRET: SECRET,
        TOKEN_ENCRYPTION_KEY: TOKEN_KEY,
        PUSH_POLL_MS: '50',
        XERO_TIMEOUT_MS: '5000',
      }),
    );
    await app.listen(port, '127.0.0.1');
    await eventually(() => app.get(AmqpClient).isConnected(), { what: 'the broker connection' });
    publisher = new AmqpClient({ url: infra.amqpUrl, connectionName: 'push-spec' });
    await publisher.start();
    events = await amqp.connect(infra.amqpUrl);
    const ch = await events.createChannel();
    const q = await ch.assertQueue('', { exclusive: true });
    for (const def of [CustomerSyncSucceeded, CustomerSyncFailed]) await ch.bindQueue(q.queue, EVENTS_EXCHANGE, def.routingKey);
    await ch.consume(q.queue, (m) => m && results.push({ ...JSON.parse(m.content.toString()), _correlationId: m.properties.correlationId }), { noAck: true });

    const org = await sandbox.admin<{ tenantId: string }>('POST', '/sandbox/organisations', { name: 'Push Spec Ltd' });
    tenantId = org.tenantId;
    syncUrl = `http://127.0.0.1:${port}`;
    db = await mongoose.createConnection(mongoUriFor(dbName)).asPromise();
    await connect();
  });

  /**
   * A new organisation connected for a new retailer: the tests that spend calls by the dozen (a 429
   * storm, 260 customers, the day limit, expired and revoked tokens) each get their own tenant, so
   * one test's use of Xero's 60-a-minute window never becomes another test's wait.
   */
  async function freshTenant(name: string) {
    tenantId = (await sandbox.admin<{ tenantId: string }>('POST', '/sandbox/organisations', { name })).tenantId;
    retailerId = uniqueName('retailer');
    await connect();
  }

  async function connect() {
    const res = await consentThroughSandbox({ sandboxUrl: sandbox.url, syncUrl, stateSecret: SECRET, retailerId, tenantId });
    expect(res.status).toBe(302);
  }

  afterAll(async () => {
    await events?.close();
    await db?.close();
    await publisher?.close();
    await app?.close();
    await sandbox?.stop();
  });

  let version = 0;
  async function send(customerId: string, p: Partial<Payload<CustomerChangedV1>>, correlationId?: string) {
    const e = buildEvent(CustomerChanged, retailerId, {
      customerId,
      customerVersion: ++version,
      reason: 'updated',
      changedFields: [],
      snapshot: { id: customerId },
      ...p,
    });
    await publisher.publish(CustomerChanged.routingKey, e, { messageId: e.eventId, correlationId });
    return e.customerVersion;
  }

  const failure = (customerId: string, customerVersion: number, kind: string) =>
    eventually(() => results.find((r) => r['customerId'] === customerId && r['customerVersion'] === customerVersion && (r['error'] as { kind?: string })?.kind === kind), {
      what: `a ${kind} failure for ${customerId} v${customerVersion}`,
    });
  const result = (customerId: string, customerVersion: number) =>
    eventually(() => results.find((r) => r['customerId'] === customerId && r['customerVersion'] === customerVersion && (r['type'] !== CustomerSyncFailed.type || r['retrying'] === false)), {
      what: `the result for ${customerId} v${customerVersion}`,
    });
  const contacts = () => sandbox.admin<Contact[]>('GET', `/sandbox/organisations/${tenantId}/contacts`);
  const posts = async (since = 0) =>
    (await sandbox.admin<LoggedRequest[]>('GET', `/sandbox/organisations/${tenantId}/requests?method=POST&path=/Contacts`)).filter((r) => r.id > since);
  const lastRequestId = async () => Math.max(0, ...(await sandbox.admin<LoggedRequest[]>('GET', `/sandbox/organisations/${tenantId}/requests`)).map((r) => r.id));
  const sentFor = (reqs: LoggedRequest[], contactId: string) => reqs.flatMap((r) => r.body.Contacts ?? []).filter((c) => c['ContactID'] === contactId);

  const ada = (id: string) => ({ id, firstName: 'Ada', lastName: `Lovelace ${id.slice(-6)}`, email: 'ada@example.com', phone: '555 0100' });

  it('an on-account sale creates the contact after looking its ContactNumber up, then an edit sends only the changed field', async () => {
    const id = uniqueName('c');
    const v1 = await send(id, { reason: 'on_account_sale', snapshot: ada(id) });
    const created = await result(id, v1);
    expect(created).toMatchObject({ type: CustomerSyncSucceeded.type, pushedFields: expect.arrayContaining(['email', 'phone', 'physicalAddress']) });
    const contactId = String(created['xeroContactId']);
    const lookups = await sandbox.admin<LoggedRequest[]>('GET', `/sandbox/organisations/${tenantId}/requests?method=GET&path=/Contacts`);
    expect(lookups.some((r) => String(r.query['where'] ?? '').includes(id))).toBe(true);
    expect((await contacts()).filter((c) => c.ContactNumber === id)).toHaveLength(1);

    const since = await lastRequestId();
    const v2 = await send(id, { changedFields: ['email', 'firstName'], snapshot: { ...ada(id), email: 'countess@example.com' } });
    expect(await result(id, v2)).toMatchObject({ type: CustomerSyncSucceeded.type, pushedFields: ['email'], xeroContactId: contactId });
    const sent = sentFor(await posts(since), contactId);
    expect(sent).toEqual([{ ContactID: contactId, EmailAddress: 'countess@example.com' }]);
    const req = (await posts(since))[0];
    expect(req.query['summarizeErrors']).toBe('false');
    expect(req.headers['idempotency-key']).toBeTruthy();
    expect((await contacts()).find((c) => c.ContactID === contactId)).toMatchObject({ EmailAddress: 'countess@example.com', FirstName: 'Ada' });
  });

  it('the result carries the correlation id of the change it answers', async () => {
    const id = uniqueName('c');
    const v = await send(id, { reason: 'on_account_sale', snapshot: ada(id) }, `corr-${id}`);
    expect(await result(id, v)).toMatchObject({ _correlationId: `corr-${id}` });
  });

  it('clearing a phone clears it in Xero', async () => {
    const id = uniqueName('c');
    const contactId = String((await result(id, await send(id, { reason: 'on_account_sale', snapshot: ada(id) })))['xeroContactId']);
    const since = await lastRequestId();
    const { phone: _phone, ...withoutPhone } = ada(id);
    const v = await send(id, { changedFields: ['phone'], snapshot: withoutPhone });
    expect(await result(id, v)).toMatchObject({ type: CustomerSyncSucceeded.type, pushedFields: ['phone'] });
    expect(sentFor(await posts(since), contactId)).toEqual([{ ContactID: contactId, Phones: [{ PhoneType: 'DEFAULT', PhoneNumber: '' }] }]);
    const phone = (await contacts()).find((c) => c.ContactID === contactId)?.Phones?.find((p) => p.PhoneType === 'DEFAULT');
    expect(phone?.PhoneNumber ?? '').toBe('');
  });

  it('a name used by another active contact fails as name_taken with a hint; renaming fixes it', async () => {
    await sandbox.admin('POST', `/sandbox/organisations/${tenantId}/contacts`, { Name: 'Grace Hopper' });
    const id = uniqueName('c');
    const v1 = await send(id, { reason: 'on_account_sale', snapshot: { id, firstName: 'Grace', lastName: 'Hopper' } });
    const failed = await result(id, v1);
    expect(failed).toMatchObject({ type: CustomerSyncFailed.type, retrying: false, error: { kind: 'name_taken' } });
    expect(String((failed['error'] as { hint?: string }).hint)).toContain('Grace Hopper');
    expect((await contacts()).filter((c) => c.Name === 'Grace Hopper')).toHaveLength(1); // never renamed silently

    const v2 = await send(id, { changedFields: ['lastName'], snapshot: { id, firstName: 'Grace', lastName: 'Hopper (Navy)' } });
    expect(await result(id, v2)).toMatchObject({ type: CustomerSyncSucceeded.type });
    expect((await contacts()).filter((c) => c.ContactNumber === id).map((c) => c.Name)).toEqual(['Grace Hopper (Navy)']);
  });

  it('a Xero-side edit is overwritten by the next on-account sale (every mapped field)', async () => {
    const id = uniqueName('c');
    const contactId = String((await result(id, await send(id, { reason: 'on_account_sale', snapshot: ada(id) })))['xeroContactId']);
    await sandbox.admin('PATCH', `/sandbox/organisations/${tenantId}/contacts/${contactId}`, { EmailAddress: 'edited-in-xero@example.com', FirstName: 'Augusta' });
    const v = await send(id, { reason: 'on_account_sale', snapshot: ada(id) });
    expect(await result(id, v)).toMatchObject({ type: CustomerSyncSucceeded.type, pushedFields: expect.arrayContaining(['email', 'firstName']) });
    expect((await contacts()).find((c) => c.ContactID === contactId)).toMatchObject({ EmailAddress: 'ada@example.com', FirstName: 'Ada' });
  });

  it('a contact an earlier push created (its reply lost) is adopted, not duplicated', async () => {
    const id = uniqueName('c');
    // the earlier push: written in Xero, reply lost, so the ledger never learnt the contact id
    const { access_token } = await sandbox.admin<{ access_token: string }>('POST', '/sandbox/tokens', { tenantId });
    const earlier = await fetch(`${sandbox.url}/api.xro/2.0/Contacts`, {
      method: 'POST',
      headers: { authorization: `Bearer ${access_token}`, 'xero-tenant-id': tenantId, 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ Contacts: [{ ContactNumber: id, Name: `Ada Lovelace ${id.slice(-6)}` }] }),
    });
    expect(earlier.status).toBe(200);
    const v = await send(id, { reason: 'on_account_sale', snapshot: ada(id) });
    const ok = await result(id, v);
    const mine = (await contacts()).filter((c) => c.ContactNumber === id);
    expect(mine).toHaveLength(1);
    expect(ok).toMatchObject({ type: CustomerSyncSucceeded.type, xeroContactId: mine[0].ContactID });
    expect(mine[0]).toMatchObject({ EmailAddress: 'ada@example.com' });
  });

  /** A contact made in Xero directly (as by an import), so the customer's next push is one POST, no look-up first. */
  async function existingContact(id: string): Promise<string> {
    const { access_token } = await sandbox.admin<{ access_token: string }>('POST', '/sandbox/tokens', { tenantId });
    const made = await fetch(`${sandbox.url}/api.xro/2.0/Contacts`, {
      method: 'POST',
      headers: { authorization: `Bearer ${access_token}`, 'xero-tenant-id': tenantId, 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ Contacts: [{ ContactNumber: id, Name: `Ada Lovelace ${id.slice(-6)}` }] }),
    });
    expect(made.status).toBe(200);
    return ((await made.json()) as { Contacts: Contact[] }).Contacts[0].ContactID;
  }
  const postsFor = async (since: number, contactId: string) => (await posts(since)).filter((r) => sentFor([r], contactId).length > 0);

  it('a 5xx after Xero wrote the push: the pusher re-checks and sends a new request with a new key (the old one replays the 5xx)', async () => {
    const id = uniqueName('c');
    const contactId = await existingContact(id);
    const since = await lastRequestId();
    await sandbox.admin('PUT', '/sandbox/faults', { tenantId, failAfterWriteNext: 1 });
    try {
      const v = await send(id, { reason: 'manual_push', snapshot: ada(id), xeroContactId: contactId });
      expect(await result(id, v)).toMatchObject({ type: CustomerSyncSucceeded.type, xeroContactId: contactId });
    } finally {
      await sandbox.admin('DELETE', '/sandbox/faults');
    }
    const sent = await postsFor(since, contactId);
    expect(sent.map((r) => r.status)).toEqual([500, 200]);
    expect(sent[1].headers['idempotency-key']).not.toEqual(sent[0].headers['idempotency-key']);
    expect((await contacts()).filter((c) => c.ContactNumber === id)).toHaveLength(1);
    // re-checked within the cycle: no failure was reported for it
    expect(results.filter((r) => r['customerId'] === id && r['type'] === CustomerSyncFailed.type)).toEqual([]);
  });

  it('a reply lost after Xero wrote the push: the same request goes again with the same key', async () => {
    const id = uniqueName('c');
    const contactId = await existingContact(id);
    const since = await lastRequestId();
    await sandbox.admin('PUT', '/sandbox/faults', { tenantId, lostReplyNext: 1 });
    try {
      const v = await send(id, { reason: 'manual_push', snapshot: ada(id), xeroContactId: contactId });
      expect(await result(id, v)).toMatchObject({ type: CustomerSyncSucceeded.type, xeroContactId: contactId });
    } finally {
      await sandbox.admin('DELETE', '/sandbox/faults');
    }
    const sent = await postsFor(since, contactId);
    expect(sent.length).toBeGreaterThanOrEqual(2);
    expect(new Set(sent.map((r) => r.headers['idempotency-key'])).size).toBe(1);
  });

  it('lost replies and 5xx on a share of calls: every customer is synced once, no duplicate contacts', async () => {
    await freshTenant('Faults Ltd');
    await sandbox.admin('PUT', '/sandbox/faults', { tenantId, lostReplyRate: 0.3, errorRate: 0.2 });
    try {
      const ids = Array.from({ length: 8 }, () => uniqueName('c'));
      const versions = await Promise.all(ids.map((id) => send(id, { reason: 'on_account_sale', snapshot: ada(id) })));
      for (const [i, id] of ids.entries()) expect(await result(id, versions[i])).toMatchObject({ type: CustomerSyncSucceeded.type });
      const all = await contacts();
      for (const id of ids) expect(all.filter((c) => c.ContactNumber === id)).toHaveLength(1);
    } finally {
      await sandbox.admin('DELETE', '/sandbox/faults');
    }
  });

  it('budgets calls before sending: 260 customers at once never put more than 5 calls in flight (no 429)', async () => {
    await freshTenant('Busy Ltd');
    await sandbox.admin('PUT', '/sandbox/faults', { tenantId, latencyMs: 150 });
    try {
      const since = await lastRequestId();
      const ids = Array.from({ length: 260 }, () => uniqueName('c'));
      const versions = await Promise.all(ids.map((id) => send(id, { reason: 'on_account_sale', snapshot: ada(id) })));
      await eventually(() => ids.every((id, i) => results.some((r) => r['customerId'] === id && r['customerVersion'] === versions[i])) || undefined, {
        what: 'every result',
        timeoutMs: 110_000,
        intervalMs: 500,
      });
      const log = (await sandbox.admin<LoggedRequest[]>('GET', `/sandbox/organisations/${tenantId}/requests`)).filter((r) => r.id > since);
      expect(log.filter((r) => r.status === 429)).toEqual([]);
      const postsSent = log.filter((r) => r.method === 'POST' && r.path.endsWith('/Contacts'));
      expect(postsSent.length).toBeGreaterThanOrEqual(6); // 50 per request
      expect(Math.max(...postsSent.map((r) => r.body.Contacts?.length ?? 0))).toBeLessThanOrEqual(50);
    } finally {
      await sandbox.admin('DELETE', '/sandbox/faults');
    }
  }, 120_000);

  it('a call Xero never answers times out and the same request is sent again', async () => {
    await sandbox.admin('PUT', '/sandbox/faults', { tenantId, hangNext: 1 });
    try {
      const id = uniqueName('c');
      const v = await send(id, { reason: 'on_account_sale', snapshot: ada(id) });
      expect(await result(id, v)).toMatchObject({ type: CustomerSyncSucceeded.type });
      expect((await contacts()).filter((c) => c.ContactNumber === id)).toHaveLength(1);
    } finally {
      await sandbox.admin('DELETE', '/sandbox/faults');
    }
  }, 60_000);

  it('a storm of minute 429s is waited out (Retry-After): everything syncs, no duplicates', async () => {
    await freshTenant('Storm Ltd');
    await sandbox.admin('PUT', '/sandbox/faults', { tenantId, force429Next: 2, force429Rate: 0.5, force429Problem: 'minute', force429RetryAfterSec: 1 });
    try {
      const ids = Array.from({ length: 5 }, () => uniqueName('c'));
      const versions = await Promise.all(ids.map((id) => send(id, { reason: 'on_account_sale', snapshot: ada(id) })));
      for (const [i, id] of ids.entries()) expect(await result(id, versions[i])).toMatchObject({ type: CustomerSyncSucceeded.type });
      const all = await contacts();
      for (const id of ids) expect(all.filter((c) => c.ContactNumber === id)).toHaveLength(1);
    } finally {
      await sandbox.admin('DELETE', '/sandbox/faults');
    }
  });

  it('the day limit reached: the customer shows rate_limited with the time pushes resume, then syncs', async () => {
    await freshTenant('Day Limit Ltd');
    await sandbox.admin('PUT', '/sandbox/faults', { tenantId, force429Next: 1, force429Problem: 'day', force429RetryAfterSec: 2 });
    try {
      const id = uniqueName('c');
      const v = await send(id, { reason: 'on_account_sale', snapshot: ada(id) });
      const limited = await failure(id, v, 'rate_limited');
      expect(limited).toMatchObject({ retrying: true });
      expect(Date.parse(String((limited['error'] as { retryAt?: string }).retryAt))).toBeGreaterThan(Date.parse(String(limited['occurredAt'])));
      expect(await result(id, v)).toMatchObject({ type: CustomerSyncSucceeded.type });
    } finally {
      await sandbox.admin('DELETE', '/sandbox/faults');
    }
  });

  it('an access token Xero says has expired is refreshed once and the push goes on', async () => {
    await freshTenant('Expired Token Ltd');
    const conn = await db.collection('xero_connections').findOne({ _id: retailerId as never });
    const accessToken = new TokenCipher(TOKEN_KEY).decrypt(String(conn?.['accessToken']), retailerId);
    await sandbox.admin('POST', '/sandbox/tokens/expire', { access_token: accessToken });
    const since = Math.max(0, ...(await sandbox.admin<LoggedRequest[]>('GET', '/sandbox/requests')).map((r) => r.id));
    const id = uniqueName('c');
    const v = await send(id, { reason: 'on_account_sale', snapshot: ada(id) });
    expect(await result(id, v)).toMatchObject({ type: CustomerSyncSucceeded.type });
    const log = (await sandbox.admin<LoggedRequest[]>('GET', '/sandbox/requests')).filter((r) => r.id > since);
    expect(log.some((r) => r.status === 401)).toBe(true);
    expect(log.filter((r) => r.path === '/connect/token' && (r.body as Record<string, unknown>)['grant_type'] === 'refresh_token')).toHaveLength(1);
  });

  it('a revoked connection keeps changes pending; after the retailer reconnects they all go out', async () => {
    await freshTenant('Revoked Ltd');
    const conn = await db.collection('xero_connections').findOne({ _id: retailerId as never });
    const refreshToken = new TokenCipher(TOKEN_KEY).decrypt(String(conn?.['refreshToken']), retailerId);
    const basic = Buffer.from('sandbox-client:sandbox-secret').toString('base64');
    const revoked = await fetch(`${sandbox.url}/connect/revocation`, {
      method: 'POST',
      headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token: refreshToken }).toString(),
    });
    expect(revoked.status).toBe(200);

    const id = uniqueName('c');
    const v = await send(id, { reason: 'on_account_sale', snapshot: ada(id) });
    await eventually(async () => (await db.collection('xero_connections').findOne({ _id: retailerId as never }))?.['status'] === 'expired', {
      what: 'the connection turning expired',
    });
    expect(await failure(id, v, 'auth')).toMatchObject({ retrying: true });
    expect((await contacts()).filter((c) => c.ContactNumber === id)).toHaveLength(0);

    await connect();
    expect(await result(id, v)).toMatchObject({ type: CustomerSyncSucceeded.type });
    expect((await contacts()).filter((c) => c.ContactNumber === id)).toHaveLength(1);
  });

  it('serves the engine metrics', async () => {
    const text = await (await fetch(`${syncUrl}/metrics`)).text();
    for (const name of [
      'xero_sync_pushes_total{outcome="succeeded"}',
      'xero_sync_xero_calls_total{operation="post_contacts",status="200"}',
      'xero_sync_rate_limited_total{problem="minute"}',
      'xero_sync_limiter_wait_seconds_count',
      'xero_sync_ledger_backlog',
      'xero_sync_oldest_pending_seconds',
      // the expired-token test always refreshes; a revocation may be seen as a 403 without any refresh
      'xero_sync_token_refreshes_total{outcome="refreshed"}',
    ]) {
      expect(text).toContain(name);
    }
  });
});
