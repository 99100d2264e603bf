import { INestApplication } from '@nestjs/common';
import { eventually, mongoUriFor, testInfra, uniqueName } from '@pos/testing';
import * as amqp from 'amqplib';
import mongoose from 'mongoose';
import request from 'supertest';
// The producer's real code path: the customers service itself (HTTP write → outbox → relay →
// broker). A contract spec is the one place that runs two services' code side by side.
// eslint-disable-next-line @nx/enforce-module-boundaries
import { createCustomersApp } from '../../../customers/src/app/create-app';
// eslint-disable-next-line @nx/enforce-module-boundaries
import { loadCustomersConfig } from '../../../customers/src/config/customers.config';
import { createXeroSyncApp } from '../../src/app/create-app';
import { loadXeroSyncConfig } from '../../src/config/xero-sync.config';

/**
 * Contract: customer.changed.v1 as the customers service publishes it, through the broker into
 * xero-sync's real handler (its @EventPattern on `<prefix>xero-sync.customer-changed`), which
 * records the desired state in the sync ledger.
 */
describe('contract customer.changed.v1: customers → xero-sync', () => {
  const infra = testInfra();
  const prefix = `${uniqueName('contract')}.`;
  const customersDb = uniqueName('contract_customers');
  const syncDb = uniqueName('contract_sync');
  const adminToken = `admin-${uniqueName('token')}`;
  const common = { MONGODB_URI: infra.mongoUri, AMQP_URL: infra.amqpUrl, QUEUE_PREFIX: prefix, QUEUE_EXPIRES_MS: '60000', LOG_LEVEL: 'silent' };
  let customers: INestApplication;
  let sync: INestApplication;
  let url: string;
  let ledgerDb: mongoose.Connection;
  let apiKey: string;

  beforeAll(async () => {
    sync = await createXeroSyncApp(loadXeroSyncConfig({ ...common, XERO_SYNC_DB_NAME: syncDb }));
    await sync.listen(0, '127.0.0.1');
    customers = await createCustomersApp(
      loadCustomersConfig({ ...common, CUSTOMERS_DB_NAME: customersDb, ADMIN_TOKEN: adminToken, OUTBOX_POLL_MS: '50', NODE_ENV: 'test' }),
    );
    await customers.listen(0, '127.0.0.1');
    url = (await customers.getUrl()).replace('[::1]', '127.0.0.1');
    await consumerOn(`${prefix}xero-sync.customer-changed`);
    ledgerDb = await mongoose.createConnection(mongoUriFor(syncDb, infra.mongoUri)).asPromise();
    const retailer = await request(url).post('/api/retailers').set('authorization', `Bearer ${adminToken}`).send({ name: 'Contract Shop' });
    expect(retailer.status).toBe(201);
    apiKey = retailer.body.apiKey;
  });

  afterAll(async () => {
    await customers?.close();
    await sync?.close();
    if (ledgerDb) {
      await ledgerDb.dropDatabase().catch(() => undefined);
      for (const db of [`${syncDb}_locks`, customersDb, `${customersDb}_locks`]) await ledgerDb.useDb(db).dropDatabase().catch(() => undefined);
      await ledgerDb.close();
    }
  });

  async function consumerOn(queue: string) {
    const conn = await amqp.connect(infra.amqpUrl);
    try {
      await eventually(async () => {
        const ch = await conn.createChannel();
        ch.on('error', () => undefined);
        try {
          return (await ch.checkQueue(queue)).consumerCount > 0;
        } catch {
          return false;
        } finally {
          await ch.close().catch(() => undefined);
        }
      }, { what: `a consumer on ${queue}` });
    } finally {
      await conn.close();
    }
  }

  const api = {
    post: (path: string, body: object) => request(url).post(path).set('authorization', `Bearer ${apiKey}`).send(body),
    patch: (path: string, body: object) => request(url).patch(path).set('authorization', `Bearer ${apiKey}`).send(body),
  };
  const ledgerEntry = (customerId: string, until: (e: Record<string, unknown>) => boolean) =>
    eventually(async () => {
      const e = await ledgerDb.collection('sync_ledger').findOne({ customerId });
      return e && until(e) ? e : undefined;
    }, { what: `the ledger entry of ${customerId}` });

  it('a created customer becomes the desired state xero-sync will push', async () => {
    const created = await api.post('/api/customers', { firstName: 'Cora', lastName: 'Contract', email: 'cora@example.com', physicalAddress: { city: 'Auckland' } });
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    const e = await ledgerEntry(id, () => true);
    expect(e).toMatchObject({
      customerId: id,
      desiredVersion: 1,
      desired: { id, firstName: 'Cora', lastName: 'Contract', email: 'cora@example.com', physicalAddress: { city: 'Auckland' } },
      fullPush: false,
    });
    expect((e['pendingFields'] as string[]).sort()).toEqual(['email', 'firstName', 'lastName', 'physicalAddress']);
  });

  it('an edit adds only its changed fields; an on-account sale asks for a full push', async () => {
    const id = (await api.post('/api/customers', { companyName: 'Edit Ltd' })).body.id as string;
    await ledgerEntry(id, (e) => e['desiredVersion'] === 1);
    expect((await api.patch(`/api/customers/${id}`, { phone: '09 555' })).status).toBe(200);
    const edited = await ledgerEntry(id, (e) => e['desiredVersion'] === 2);
    expect(edited).toMatchObject({ desired: { id, companyName: 'Edit Ltd', phone: '09 555' }, fullPush: false });
    expect((edited['pendingFields'] as string[]).sort()).toEqual(['companyName', 'phone']);

    expect((await api.post(`/api/customers/${id}/on-account-sales`, { amount: 12.5, reference: 'C-1' })).status).toBe(201);
    const sale = await ledgerEntry(id, (e) => e['fullPush'] === true);
    expect(sale['pendingFields']).toEqual(expect.arrayContaining(['companyName', 'email', 'phone', 'physicalAddress', 'taxNumber']));
  });
});
