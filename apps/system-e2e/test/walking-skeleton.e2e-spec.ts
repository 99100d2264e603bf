import { RunningService, eventually, freePort, mongoUriFor, startService, testInfra, uniqueName } from '@pos/testing';
import mongoose from 'mongoose';

/**
 * Every hop of the chain is real: HTTP → customers → MongoDB (customer + outbox in one write) →
 * relay with publisher confirms → RabbitMQ → xero-sync (manual ack) → xero-sync's own database.
 */
describe('walking skeleton: a customer created over HTTP reaches xero-sync', () => {
  const infra = testInfra();
  const adminToken = `admin-${uniqueName('token')}`;
  const customersDb = uniqueName('customers');
  const syncDb = uniqueName('xero_sync');
  const queuePrefix = `${uniqueName('skeleton')}.`;
  let customers: RunningService;
  let sync: RunningService;
  let syncConn: mongoose.Connection;

  beforeAll(async () => {
    const common = { MONGODB_URI: infra.mongoUri, AMQP_URL: infra.amqpUrl, QUEUE_PREFIX: queuePrefix, QUEUE_EXPIRES_MS: '60000' };
    [customers, sync] = await Promise.all([
      freePort().then((port) =>
        startService(
          'customers',
          { ...common, CUSTOMERS_DB_NAME: customersDb, ADMIN_TOKEN: adminToken, CUSTOMERS_PORT: String(port), OUTBOX_POLL_MS: '50' },
          { port },
        ),
      ),
      freePort().then((port) =>
        startService('xero-sync', { ...common, XERO_SYNC_DB_NAME: syncDb, XERO_SYNC_PORT: String(port) }, { port }),
      ),
    ]);
    syncConn = await mongoose.createConnection(mongoUriFor(syncDb)).asPromise();
  });

  afterAll(async () => {
    await syncConn?.close();
    await Promise.all([customers?.stop(), sync?.stop()]);
  });

  it('answers /health/ready on both services', async () => {
    for (const s of [customers, sync]) {
      const r = await fetch(`${s.url}/health/ready`);
      expect(r.status).toBe(200);
      expect(await r.json()).toMatchObject({ status: 'ok', checks: { database: 'up', broker: 'up' } });
    }
  });

  it('records the new customer in the xero-sync ledger', async () => {
    const retailer = await fetch(`${customers.url}/api/retailers`, {
      method: 'POST',
      headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Skeleton Shop' }),
    }).then((r) => r.json());
    expect(retailer.apiKey).toMatch(/^pos_/);

    const res = await fetch(`${customers.url}/api/customers`, {
      method: 'POST',
      headers: { authorization: `Bearer ${retailer.apiKey}`, 'content-type': 'application/json', 'x-correlation-id': 'skeleton-1' },
      body: JSON.stringify({ firstName: 'Ada', lastName: 'Lovelace', email: 'ada@example.com', phone: '09 555 0100' }),
    });
    expect(res.status).toBe(201);
    const customer = await res.json();

    const entry = await eventually(
      () => syncConn.collection('sync_ledger').findOne({ retailerId: retailer.id, customerId: customer.id }),
      { what: 'the ledger entry in xero-sync' },
    );
    expect(entry).toMatchObject({
      desiredVersion: 1,
      desired: { id: customer.id, firstName: 'Ada', lastName: 'Lovelace', email: 'ada@example.com', phone: '09 555 0100' },
      pendingFields: expect.arrayContaining(['firstName', 'lastName', 'email', 'phone']),
    });
  });
});
