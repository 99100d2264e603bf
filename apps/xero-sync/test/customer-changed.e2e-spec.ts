import { INestApplication } from '@nestjs/common';
import { AmqpClient, queueNames } from '@pos/messaging';
import { CustomerChanged, CustomerChangedV1, EVENTS_EXCHANGE, Payload, buildEvent } from '@pos/sync-contracts';
import { eventually, mongoUriFor, testInfra, uniqueName } from '@pos/testing';
import * as amqp from 'amqplib';
import mongoose from 'mongoose';
import { createXeroSyncApp } from '../src/app/create-app';
import { loadXeroSyncConfig } from '../src/config/xero-sync.config';

/** xero-sync's consumer on the real broker and database: what it records, and what it refuses. */
describe('xero-sync records customer.changed.v1 in its ledger', () => {
  const infra = testInfra();
  const dbName = uniqueName('xero_sync');
  const prefix = `${uniqueName('sync')}.`;
  const retailerId = uniqueName('retailer');
  let app: INestApplication;
  let publisher: AmqpClient;
  let db: mongoose.Connection;

  beforeAll(async () => {
    const config = loadXeroSyncConfig({
      MONGODB_URI: infra.mongoUri,
      AMQP_URL: infra.amqpUrl,
      XERO_SYNC_DB_NAME: dbName,
      QUEUE_PREFIX: prefix,
      QUEUE_EXPIRES_MS: '60000',
      LOG_LEVEL: 'silent',
    });
    app = await createXeroSyncApp(config);
    await app.listen(0, '127.0.0.1');
    await eventually(() => app.get(AmqpClient).isConnected(), { what: 'the broker connection' });
    publisher = new AmqpClient({ url: infra.amqpUrl, connectionName: 'sync-spec' });
    await publisher.start();
    db = await mongoose.createConnection(mongoUriFor(dbName)).asPromise();
  });

  afterAll(async () => {
    await publisher?.close();
    await db?.close();
    await app?.close();
  });

  const ledger = () => db.collection('sync_ledger');

  function changed(customerId: string, p: Partial<Payload<CustomerChangedV1>>): CustomerChangedV1 {
    return buildEvent(CustomerChanged, retailerId, {
      customerId,
      customerVersion: 1,
      reason: 'updated',
      changedFields: [],
      snapshot: { id: customerId },
      ...p,
    });
  }

  async function send(e: CustomerChangedV1) {
    await publisher.publish(CustomerChanged.routingKey, e, { messageId: e.eventId });
  }

  async function entryFor(customerId: string, until: (e: Record<string, unknown>) => boolean) {
    return eventually(async () => {
      const e = await ledger().findOne({ customerId });
      return e && until(e) ? e : undefined;
    }, { what: `ledger entry of ${customerId}` });
  }

  it('keeps the newest desired state and the union of fields still to push', async () => {
    const id = uniqueName('c');
    await send(changed(id, { customerVersion: 1, reason: 'created', changedFields: ['firstName'], snapshot: { id, firstName: 'Ann' } }));
    await send(changed(id, { customerVersion: 2, changedFields: ['email'], snapshot: { id, firstName: 'Ann', email: 'ann@x.co' } }));
    const e = await entryFor(id, (x) => x['desiredVersion'] === 2);
    expect(e).toMatchObject({ desired: { id, firstName: 'Ann', email: 'ann@x.co' } });
    expect(e['fullPushVersion'] ?? undefined).toBeUndefined();
    expect((e['pendingFields'] as string[]).sort()).toEqual(['email', 'firstName']);
  });

  it('ignores a redelivered event and never lets an older version replace a newer one', async () => {
    const id = uniqueName('c');
    const v3 = changed(id, { customerVersion: 3, changedFields: ['lastName'], snapshot: { id, lastName: 'New' } });
    await send(v3);
    await entryFor(id, (x) => x['desiredVersion'] === 3);
    await send(v3); // a redelivery: same event id
    await send(changed(id, { customerVersion: 2, changedFields: ['lastName'], snapshot: { id, lastName: 'Old' } }));
    const e = await entryFor(id, (x) => (x['recentEventIds'] as string[]).length === 2);
    expect(e).toMatchObject({ desiredVersion: 3, desired: { lastName: 'New' } });
  });

  it('loses nothing when many events for one customer arrive at once (concurrent deliveries)', async () => {
    const id = uniqueName('c');
    const fields = ['customerCode', 'firstName', 'lastName', 'companyName', 'email', 'phone', 'mobile', 'fax', 'taxNumber'];
    await Promise.all(
      fields.map((f, i) => send(changed(id, { customerVersion: i + 1, changedFields: [f], snapshot: { id, [f]: `v${i + 1}` } }))),
    );
    const e = await entryFor(id, (x) => (x['recentEventIds'] as string[]).length === fields.length);
    expect((e['pendingFields'] as string[]).sort()).toEqual([...fields].sort());
    expect(e['desiredVersion']).toBe(fields.length);
  });

  it('turns an on-account sale into a full push of every mapped field', async () => {
    const id = uniqueName('c');
    await send(changed(id, { reason: 'on_account_sale', changedFields: [], snapshot: { id, companyName: 'Acme' } }));
    // the ledger remembers which version asked for a full push; the planner sends every mapped field for it
    const e = await entryFor(id, (x) => x['fullPushVersion'] === 1);
    expect(e['desired']).toMatchObject({ id, companyName: 'Acme' });
  });

  it('dead-letters an event that breaks its contract, and keeps consuming', async () => {
    const conn = await amqp.connect(infra.amqpUrl);
    const ch = await conn.createChannel();
    ch.publish(EVENTS_EXCHANGE, CustomerChanged.routingKey, Buffer.from(JSON.stringify({ type: 'customer.changed', schemaVersion: 1 })), {
      messageId: 'broken-1',
    });
    const dlq = queueNames(`${prefix}xero-sync.customer-changed`).dead;
    const dead = await eventually(() => ch.get(dlq, { noAck: true }), { what: 'the dead letter' });
    expect(String(dead.properties.headers?.['x-death-reason'])).toMatch(/ContractViolation/);
    await conn.close();

    const id = uniqueName('c');
    await send(changed(id, { changedFields: ['firstName'], snapshot: { id, firstName: 'Still' } }));
    await entryFor(id, () => true);
  });
});
