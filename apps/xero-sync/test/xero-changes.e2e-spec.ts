import { INestApplication } from '@nestjs/common';
import { AmqpClient } from '@pos/messaging';
import {
  CustomerChanged,
  CustomerChangedV1,
  CustomerSyncFailed,
  CustomerSyncSucceeded,
  CustomerXeroDrifted,
  EVENTS_EXCHANGE,
  Payload,
  buildEvent,
} from '@pos/sync-contracts';
import { eventually, mongoUriFor, testInfra, uniqueName } from '@pos/testing';
import * as amqp from 'amqplib';
import mongoose from 'mongoose';
import { createXeroSyncApp } from '../src/app/create-app';
import { loadXeroSyncConfig } from '../src/config/xero-sync.config';
import { signXeroBody } from '../src/webhooks/webhook-signature';
import { consentThroughSandbox, freePort } from './support/connect-flow';
import { SandboxProcess, startSandbox } from './support/sandbox-process';

const SECRET = 'state-secret-for-the-xero-changes-spec';
const WEBHOOK_KEY = 'webhook-key-for-the-xero-changes-spec';

type Contact = Record<string, unknown> & { ContactID: string; ContactNumber?: string; EmailAddress?: string };

/**
 * Xero-side changes end to end (DESIGN §3 flow 6): the sandbox sends signed webhooks to xero-sync's
 * POST /xero/webhooks; the contacts are fetched and compared with what the POS pushed, and drift goes
 * out on the real broker; a tenant whose webhooks are off is still checked by the poll.
 */
describe('Xero-side changes', () => {
  const infra = testInfra();
  const dbName = uniqueName('xero_sync');
  const prefix = `${uniqueName('changes')}.`;
  const retailerId = uniqueName('retailer');
  const quietRetailerId = uniqueName('retailer');
  let sandbox: SandboxProcess;
  let app: INestApplication;
  let publisher: AmqpClient;
  let events: amqp.ChannelModel;
  let tenantId: string;
  let quietTenantId: string;
  let syncUrl: string;
  let db: mongoose.Connection;
  const results: Record<string, unknown>[] = [];

  beforeAll(async () => {
    sandbox = await startSandbox({ XERO_WEBHOOK_KEY: WEBHOOK_KEY, XERO_SANDBOX_WEBHOOK_BATCH_MS: '100' });
    const port = await freePort();
    syncUrl = `http://127.0.0.1:${port}`;
    app = await createXeroSyncApp(
      loadXeroSyncConfig({
        MONGODB_URI: infra.mongoUri,
        AMQP_URL: infra.amqpUrl,
        XERO_SYNC_DB_NAME: dbName,
        QUEUE_PREFIX: prefix,
        QUEUE_EXPIRES_MS: '60000',
        LOG_LEVEL: 'silent',
        XERO_API_URL: sandbox.url,
        XERO_REDIRECT_URI: `${syncUrl}/xero/callback`,
        OAUTH_STATE_SECRET: SECRET,
        XERO_WEBHOOK_KEY: WEBHOOK_KEY,
        PUSH_POLL_MS: '50',
        XERO_POLL_INTERVAL_MS: '1000',
        XERO_TIMEOUT_MS: '5000',
      }),
    );
    await app.listen(port, '127.0.0.1');
    await eventually(() => app.get(AmqpClient).isConnected(), { what: 'the broker connection' });
    publisher = new AmqpClient({ url: infra.amqpUrl, connectionName: 'xero-changes-spec' });
    await publisher.start();
    events = await amqp.connect(infra.amqpUrl);
    const ch = await events.createChannel();
    const q = await ch.assertQueue('', { exclusive: true });
    for (const def of [CustomerSyncSucceeded, CustomerSyncFailed, CustomerXeroDrifted]) await ch.bindQueue(q.queue, EVENTS_EXCHANGE, def.routingKey);
    await ch.consume(q.queue, (m) => m && results.push(JSON.parse(m.content.toString())), { noAck: true });

    tenantId = (await sandbox.admin<{ tenantId: string }>('POST', '/sandbox/organisations', { name: 'Webhook Spec Ltd', webhookUrl: `${syncUrl}/xero/webhooks` })).tenantId;
    quietTenantId = (await sandbox.admin<{ tenantId: string }>('POST', '/sandbox/organisations', { name: 'No Webhooks Ltd' })).tenantId;
    db = await mongoose.createConnection(mongoUriFor(dbName)).asPromise();
    for (const [r, t] of [[retailerId, tenantId], [quietRetailerId, quietTenantId]]) {
      const res = await consentThroughSandbox({ sandboxUrl: sandbox.url, syncUrl, stateSecret: SECRET, retailerId: r, tenantId: t });
      expect(res.status).toBe(302);
    }
  });

  afterAll(async () => {
    await events?.close();
    await db?.close();
    await publisher?.close();
    await app?.close();
    await sandbox?.stop();
  });

  let version = 0;
  async function send(retailer: string, customerId: string, p: Partial<Payload<CustomerChangedV1>>) {
    const e = buildEvent(CustomerChanged, retailer, { customerId, customerVersion: ++version, reason: 'updated', changedFields: [], snapshot: { id: customerId }, ...p });
    await publisher.publish(CustomerChanged.routingKey, e, { messageId: e.eventId });
    return e.customerVersion;
  }
  const succeeded = (customerId: string, customerVersion: number) =>
    eventually(() => results.find((r) => r['type'] === CustomerSyncSucceeded.type && r['customerId'] === customerId && r['customerVersion'] === customerVersion), {
      what: `the push of ${customerId} v${customerVersion}`,
    });
  const drifted = (customerId: string, pred: (fields: Record<string, { pos: unknown; xero: unknown }>) => boolean) =>
    eventually(() => results.find((r) => r['type'] === CustomerXeroDrifted.type && r['customerId'] === customerId && pred(r['fields'] as never)), {
      what: `drift reported for ${customerId}`,
    });
  const ada = (id: string) => ({ id, firstName: 'Ada', lastName: `Lovelace ${id.slice(-6)}`, email: 'ada@example.com' });
  const post = (body: string, signature?: string) =>
    fetch(`${syncUrl}/xero/webhooks`, { method: 'POST', headers: { 'content-type': 'application/json', ...(signature ? { 'x-xero-signature': signature } : {}) }, body });
  const metric = async (line: string) => (await (await fetch(`${syncUrl}/metrics`)).text()).split('\n').find((l) => l.startsWith(line));

  it('a signed delivery is answered 200 with an empty body; a forged or unsigned one 401; a signed bad body 400 in the shared shape', async () => {
    const body = JSON.stringify({ events: [], firstEventSequence: 0, lastEventSequence: 0, entropy: 'ABCDEF' });
    const ok = await post(body, signXeroBody(body, WEBHOOK_KEY));
    expect(ok.status).toBe(200);
    expect(await ok.text()).toBe('');
    expect(ok.headers.get('set-cookie')).toBeNull();

    const forged = await post(body, signXeroBody(body, 'not-the-key'));
    expect(forged.status).toBe(401);
    expect(await forged.json()).toMatchObject({ statusCode: 401, error: 'Unauthorized' });
    expect((await post(body)).status).toBe(401);

    const bad = JSON.stringify({ nothing: true });
    const refused = await post(bad, signXeroBody(bad, WEBHOOK_KEY));
    expect(refused.status).toBe(400);
    expect(await refused.json()).toMatchObject({ statusCode: 400, error: 'Bad Request', message: expect.stringContaining('events') });

    expect(await metric('xero_sync_webhooks_total{outcome="received"}')).toBeDefined();
    expect(await metric('xero_sync_webhooks_total{outcome="rejected"}')).toMatch(/ [2-9]\d*$/);
  });

  it("passes Xero's intent-to-receive check", async () => {
    const r = await sandbox.admin<{ ok: boolean }>('POST', '/sandbox/webhooks/intent-to-receive', { url: `${syncUrl}/xero/webhooks` });
    expect(r.ok).toBe(true);
  });

  it('events of a tenant nobody is connected to are dropped, and the delivery still answered 200', async () => {
    const body = JSON.stringify({
      events: [{ resourceUrl: 'x', resourceId: 'c-1', eventDateUtc: new Date().toISOString(), eventType: 'UPDATE', eventCategory: 'CONTACT', tenantId: 'nobody', tenantType: 'ORGANISATION' }],
      firstEventSequence: 1,
      lastEventSequence: 1,
      entropy: 'XYZ',
    });
    const r = await post(body, signXeroBody(body, WEBHOOK_KEY));
    expect(r.status).toBe(200);
    await eventually(async () => (await db.collection('xero_webhook_deliveries').countDocuments({ processedAt: null })) === 0, { what: 'every delivery worked through' });
  });

  it('a Xero-side edit shows as drift with both values; an on-account sale overwrites it and the drift clears', async () => {
    const id = uniqueName('c');
    const v1 = await send(retailerId, id, { reason: 'on_account_sale', snapshot: ada(id) });
    const contactId = String((await succeeded(id, v1))['xeroContactId']);

    await sandbox.admin('PATCH', `/sandbox/organisations/${tenantId}/contacts/${contactId}`, { EmailAddress: 'edited-in-xero@example.com' });
    const report = await drifted(id, (f) => !!f['email']);
    expect(report).toMatchObject({ xeroContactId: contactId, fields: { email: { pos: 'ada@example.com', xero: 'edited-in-xero@example.com' } } });
    expect(Object.keys(report['fields'] as object)).toEqual(['email']);
    // it came by webhook: the sandbox's signed delivery naming the contact was stored and worked through
    await eventually(async () => (await db.collection('xero_webhook_deliveries').countDocuments({ 'events.resourceId': contactId, 'events.eventType': 'UPDATE', processedAt: { $ne: null } })) > 0, {
      what: 'the UPDATE webhook of the contact, handled',
    });
    const entry = await db.collection('sync_ledger').findOne({ customerId: id });
    expect(entry?.['xeroDrift']).toMatchObject({ email: { xero: 'edited-in-xero@example.com' } });

    const v2 = await send(retailerId, id, { reason: 'on_account_sale', snapshot: ada(id) });
    expect(await succeeded(id, v2)).toMatchObject({ xeroContactId: contactId, pushedFields: expect.arrayContaining(['email']) });
    const contact = await sandbox.admin<Contact>('GET', `/sandbox/organisations/${tenantId}/contacts/${contactId}`);
    expect(contact.EmailAddress).toBe('ada@example.com');
    expect((await db.collection('sync_ledger').findOne({ customerId: id }))?.['xeroDrift'] ?? null).toBeNull();
    expect(await metric('xero_sync_drift_found_total')).toMatch(/ [1-9]\d*$/);
  });

  it('an edit made while webhooks are off is found by the poll', async () => {
    const id = uniqueName('c');
    const v1 = await send(quietRetailerId, id, { reason: 'on_account_sale', snapshot: ada(id) });
    const contactId = String((await succeeded(id, v1))['xeroContactId']);
    await sandbox.admin('PATCH', `/sandbox/organisations/${quietTenantId}/contacts/${contactId}`, { FirstName: 'Augusta' });
    const report = await drifted(id, (f) => !!f['firstName']);
    expect(report).toMatchObject({ retailerId: quietRetailerId, fields: { firstName: { pos: 'Ada', xero: 'Augusta' } } });
    const deliveries = await sandbox.admin<unknown[]>('GET', `/sandbox/organisations/${quietTenantId}/webhooks`);
    expect(deliveries).toHaveLength(0);
  });

  it('a merge in Xero relinks the customer; the next edit lands on the surviving contact, by ContactID, with no new contact', async () => {
    const id = uniqueName('c');
    const v1 = await send(retailerId, id, { reason: 'on_account_sale', snapshot: ada(id) });
    const merged = String((await succeeded(id, v1))['xeroContactId']);
    const survivor = await sandbox.admin<Contact>('POST', `/sandbox/organisations/${tenantId}/contacts`, { Name: `Ada Holdings ${id.slice(-6)}` });
    await sandbox.admin('POST', `/sandbox/organisations/${tenantId}/contacts/merge`, { fromContactId: merged, toContactId: survivor.ContactID });

    const relinked = await eventually(
      () => results.find((r) => r['type'] === CustomerSyncSucceeded.type && r['customerId'] === id && (r['relinkedFrom'] as { contactId?: string } | undefined)?.contactId === merged),
      { what: 'the relink reported' },
    );
    expect(relinked).toMatchObject({ xeroContactId: survivor.ContactID, relinkedFrom: { contactId: merged, reason: 'merged', intoName: `Ada Holdings ${id.slice(-6)}` } });
    const entry = await db.collection('sync_ledger').findOne({ customerId: id });
    expect(entry).toMatchObject({ xeroContactId: survivor.ContactID, relinkedFrom: merged });
    expect((entry?.['attempts'] as { message?: string }[])[0].message).toBe(`merged in Xero into Ada Holdings ${id.slice(-6)}`);

    const before = (await sandbox.admin<Contact[]>('GET', `/sandbox/organisations/${tenantId}/contacts`)).length;
    const v2 = await send(retailerId, id, { changedFields: ['email'], snapshot: { ...ada(id), email: 'ada@holdings.example.com' } });
    expect(await succeeded(id, v2)).toMatchObject({ xeroContactId: survivor.ContactID, pushedFields: ['email'] });
    const all = await sandbox.admin<Contact[]>('GET', `/sandbox/organisations/${tenantId}/contacts`);
    expect(all).toHaveLength(before);
    expect(all.find((c) => c.ContactID === survivor.ContactID)).toMatchObject({ EmailAddress: 'ada@holdings.example.com' });
    expect(all.find((c) => c.ContactID === survivor.ContactID)?.ContactNumber).not.toBe(id);
  });

  it('a push to a contact archived in Xero fails as archived with a hint; after an unlink the next push creates a new contact', async () => {
    const id = uniqueName('c');
    const v1 = await send(retailerId, id, { reason: 'on_account_sale', snapshot: ada(id) });
    const archived = String((await succeeded(id, v1))['xeroContactId']);
    await sandbox.admin('PATCH', `/sandbox/organisations/${tenantId}/contacts/${archived}`, { ContactStatus: 'ARCHIVED' });

    const v2 = await send(retailerId, id, { changedFields: ['email'], snapshot: { ...ada(id), email: 'new@example.com' } });
    const failed = await eventually(() => results.find((r) => r['type'] === CustomerSyncFailed.type && r['customerId'] === id && r['customerVersion'] === v2), { what: 'the archived failure' });
    expect(failed).toMatchObject({ retrying: false, error: { kind: 'archived', hint: expect.stringMatching(/Restore it in Xero.*unlink/s) } });

    // what POST /api/customers/:id/xero/unlink publishes: a full push with reason unlinked, without the contact
    const v3 = await send(retailerId, id, { reason: 'unlinked', changedFields: [], snapshot: { ...ada(id), email: 'new@example.com' } });
    const created = await succeeded(id, v3);
    expect(created['xeroContactId']).not.toBe(archived);
    const all = await sandbox.admin<Contact[]>('GET', `/sandbox/organisations/${tenantId}/contacts`);
    expect(all.find((c) => c.ContactID === created['xeroContactId'])).toMatchObject({ ContactNumber: `${id}.1`, EmailAddress: 'new@example.com', ContactStatus: 'ACTIVE' });
    expect(all.find((c) => c.ContactID === archived)).toMatchObject({ ContactStatus: 'ARCHIVED', ContactNumber: id });
  });

  it('a push refused because the contact was merged (no webhook yet) relinks and lands on the surviving contact', async () => {
    const id = uniqueName('c');
    const v1 = await send(quietRetailerId, id, { reason: 'on_account_sale', snapshot: ada(id) });
    const merged = String((await succeeded(id, v1))['xeroContactId']);
    const survivor = await sandbox.admin<Contact>('POST', `/sandbox/organisations/${quietTenantId}/contacts`, { Name: `Lovelace Trust ${id.slice(-6)}` });
    await sandbox.admin('POST', `/sandbox/organisations/${quietTenantId}/contacts/merge`, { fromContactId: merged, toContactId: survivor.ContactID });
    const v2 = await send(quietRetailerId, id, { changedFields: ['email'], snapshot: { ...ada(id), email: 'trust@example.com' } });
    expect(await succeeded(id, v2)).toMatchObject({ xeroContactId: survivor.ContactID, pushedFields: ['email'] });
    expect(results.some((r) => r['type'] === CustomerSyncFailed.type && r['customerId'] === id)).toBe(false);
    expect(results.find((r) => r['customerId'] === id && r['relinkedFrom'])).toMatchObject({ relinkedFrom: { contactId: merged, reason: 'merged' } });
    const all = await sandbox.admin<Contact[]>('GET', `/sandbox/organisations/${quietTenantId}/contacts`);
    expect(all.find((c) => c.ContactID === survivor.ContactID)).toMatchObject({ EmailAddress: 'trust@example.com' });
  });
});
