import { eventually } from '@pos/testing';
import { CustomerChanged, parseEvent } from '@pos/sync-contracts';
import { DocumentWrites, LOCKS_COLLECTION, lockKeyOf, locksDatabase } from '@pos/persistence';
import { customerRef } from '../src/customers/schemas/customer.schema';
import { EventTap, TappedMessage } from './support/broker';
import { CustomersInstance, CustomersSuite, Retailer } from './support/customers-harness';

const MAPPED = ['customerCode', 'firstName', 'lastName', 'companyName', 'email', 'phone', 'mobile', 'fax', 'physicalAddress', 'postalAddress', 'taxNumber'];

/**
 * The outbox: every change Xero must hear about is written into the customer's own document with the
 * change, and a relay publishes it with publisher confirms, at least once, in per-customer order,
 * never twice at the same time from two relays, and not at all for a change Xero does not hold.
 */
describe('outbox and relay', () => {
  const suite = new CustomersSuite();
  let a: CustomersInstance;
  let tap: EventTap;
  let shop: Retailer;

  const eventsOf = (customerId: string) => tap.of(shop.id).filter((m) => m.body['customerId'] === customerId);
  const waitForEvents = (customerId: string, count: number, what = `${count} events of ${customerId}`) =>
    eventually(() => (eventsOf(customerId).length >= count ? eventsOf(customerId) : undefined), { what, timeoutMs: 15_000, intervalMs: 25 });
  const storedOutbox = async (id: string) => {
    const doc = await (await suite.customersCollection()).findOne({ _id: id });
    return doc as unknown as { outbox: { eventId: string }[]; outboxAt: Date | null; relayLock: unknown };
  };
  const outboxEmpties = (id: string) =>
    eventually(async () => ((await storedOutbox(id)).outbox.length === 0 ? true : undefined), { what: `the outbox of ${id} to empty` });

  beforeAll(async () => {
    tap = await EventTap.open(suite.infra.amqpUrl, ['customer.changed.v1']);
    a = await suite.start();
    shop = await suite.retailer(a.url, 'Outbox Shop');
  });
  afterAll(async () => {
    await tap?.close();
    await suite.close();
  });

  it('publishes customer.changed.v1 for a new customer: contract, headers, full mapped snapshot, correlation id', async () => {
    const res = await shop
      .post('/api/customers', {
        customerCode: 'OB-1',
        firstName: 'Olive',
        lastName: 'Box',
        email: 'olive@example.com',
        physicalAddress: { line1: '1 Queue St', city: 'Wellington' },
        note: 'not for Xero',
      })
      .set('x-correlation-id', 'till-7.sale-99');
    expect(res.status).toBe(201);
    const [m] = await waitForEvents(res.body.id, 1);

    const e = parseEvent(CustomerChanged, m.body); // what xero-sync will run it through
    expect(e).toMatchObject({
      type: 'customer.changed',
      schemaVersion: 1,
      retailerId: shop.id,
      customerId: res.body.id,
      customerVersion: 1,
      reason: 'created',
    });
    expect([...e.changedFields].sort()).toEqual(['customerCode', 'email', 'firstName', 'lastName', 'physicalAddress']);
    expect(m.body['snapshot']).toEqual({
      id: res.body.id,
      customerCode: 'OB-1',
      firstName: 'Olive',
      lastName: 'Box',
      email: 'olive@example.com',
      physicalAddress: { line1: '1 Queue St', city: 'Wellington' },
    });
    expect(m.body).not.toHaveProperty('xeroContactId');
    expect(m).toMatchObject({
      routingKey: 'customer.changed.v1',
      messageId: m.body.eventId,
      persistent: true,
      contentType: 'application/json',
      correlationId: 'till-7.sale-99',
      headers: expect.objectContaining({ 'x-correlation-id': 'till-7.sale-99' }),
    });
    await outboxEmpties(res.body.id);
    expect(await storedOutbox(res.body.id)).toMatchObject({ outbox: [], outboxAt: null, relayLock: null });
  });

  it('publishes only the changed mapped fields (with the full snapshot) and nothing for a note-only edit', async () => {
    const c = await shop.createCustomer({ firstName: 'Nora', lastName: 'Note', phone: '04 111' });
    await shop.updateCustomer(c.id, { note: 'only a note' }); // v2: nothing for Xero
    await shop.updateCustomer(c.id, { email: 'nora@example.com', note: 'and a note' }); // v3
    await shop.updateCustomer(c.id, { phone: null }); // v4: clearing is a change too
    const events = await waitForEvents(c.id, 3);
    await outboxEmpties(c.id);

    expect(events.map((m) => [m.body['customerVersion'], m.body['reason'], m.body['changedFields']])).toEqual([
      [1, 'created', ['firstName', 'lastName', 'phone']],
      [3, 'updated', ['email']],
      [4, 'updated', ['phone']],
    ]);
    expect(events[1].body['snapshot']).toEqual({ id: c.id, firstName: 'Nora', lastName: 'Note', email: 'nora@example.com', phone: '04 111' });
    expect(events[2].body['snapshot']).toEqual({ id: c.id, firstName: 'Nora', lastName: 'Note', email: 'nora@example.com' });
    expect(eventsOf(c.id)).toHaveLength(3);
  });

  it('an on-account sale and a push ask for a full push of every mapped field', async () => {
    const c = await shop.createCustomer({ companyName: 'Full Push Ltd', email: 'fp@example.com' });
    expect((await shop.post(`/api/customers/${c.id}/on-account-sales`, { amount: 12.5, reference: 'INV-1' })).status).toBe(201);
    expect((await shop.post(`/api/customers/${c.id}/xero/push`)).status).toBe(202);
    const events = await waitForEvents(c.id, 3);
    expect(events.map((m) => [m.body['customerVersion'], m.body['reason']])).toEqual([
      [1, 'created'],
      [1, 'on_account_sale'],
      [1, 'manual_push'],
    ]);
    for (const m of events.slice(1)) {
      expect(m.body['changedFields']).toEqual(MAPPED);
      expect(m.body['snapshot']).toEqual({ id: c.id, companyName: 'Full Push Ltd', email: 'fp@example.com' });
    }
  });

  it('a deleted customer still publishes what it owed before the delete', async () => {
    await a.relay.stop();
    try {
      const c = await shop.createCustomer({ firstName: 'Gone', lastName: 'Soon' });
      expect((await shop.delete(`/api/customers/${c.id}`)).status).toBe(204);
      a.relay.start();
      const [m] = await waitForEvents(c.id, 1);
      expect(m.body['reason']).toBe('created');
    } finally {
      a.relay.start();
    }
  });

  describe('crash at any point', () => {
    it('a write whose service died before publishing is published by another instance', async () => {
      await a.relay.stop(); // "a" took the write and then died before its relay ran
      try {
        const c = await shop.createCustomer({ firstName: 'Orphan', lastName: 'Write' });
        expect((await storedOutbox(c.id)).outbox).toHaveLength(1);
        const b = await suite.start();
        const [m] = await waitForEvents(c.id, 1);
        expect(m.body['customerVersion']).toBe(1);
        await outboxEmpties(c.id);
        await b.close();
      } finally {
        a.relay.start();
      }
    });

    it('an entry claimed by a relay that crashed is published once its lock expires, not before', async () => {
      await a.relay.stop();
      const customers = await suite.customersCollection();
      let locked: string;
      try {
        locked = (await shop.createCustomer({ firstName: 'Locked', lastName: 'Away' })).id;
        // a relay elsewhere claimed it and is (as far as anyone knows) still publishing
        await customers.updateOne({ _id: locked }, { $set: { relayLock: { owner: 'relay-on-a-dead-host', until: new Date(Date.now() + 10 * 60_000) } } });
      } finally {
        a.relay.start();
      }
      // a later customer goes out first: the relay runs, yet leaves the claimed one alone
      const fence = await shop.createCustomer({ firstName: 'Fence' });
      await waitForEvents(fence.id, 1);
      expect(eventsOf(locked)).toHaveLength(0);
      expect((await storedOutbox(locked)).outbox).toHaveLength(1);

      // the dead relay's lock runs out
      await customers.updateOne({ _id: locked }, { $set: { 'relayLock.until': new Date(Date.now() - 1000) } });
      const [m] = await waitForEvents(locked, 1);
      expect(m.body['customerVersion']).toBe(1);
      await outboxEmpties(locked);
      expect((await storedOutbox(locked)).relayLock).toBeNull();
    });

    it('a document lock left by a crashed process holds up only that customer, until it expires', async () => {
      const serverLocks = await a.app.get(DocumentWrites).usesLockDocuments();
      await a.relay.stop();
      let stuck: string;
      const locks = (await suite.db()).useDb(locksDatabase(suite.dbName)).collection<{ _id: string; owner: string; until: Date }>(LOCKS_COLLECTION);
      try {
        stuck = (await shop.createCustomer({ firstName: 'Stuck', lastName: 'Lock' })).id;
        // a process died while writing this customer (only servers without atomic updates take such locks)
        await locks.insertOne({ _id: lockKeyOf(customerRef(stuck)), owner: 'process-that-died', until: new Date(Date.now() + 10 * 60_000) });
      } finally {
        a.relay.start();
      }
      const fence = await shop.createCustomer({ firstName: 'Unaffected' });
      await waitForEvents(fence.id, 1);
      if (serverLocks) {
        expect(eventsOf(stuck)).toHaveLength(0);
        await locks.updateOne({ _id: lockKeyOf(customerRef(stuck)) }, { $set: { until: new Date(Date.now() - 1000) } }); // it expires
      }
      const [m] = await waitForEvents(stuck, 1);
      expect(m.body['customerVersion']).toBe(1);
      await outboxEmpties(stuck);
      // and writes to it go through again
      expect((await shop.updateCustomer(stuck, { email: 'unstuck@example.com' })).version).toBe(2);
      expect(await locks.countDocuments({ _id: lockKeyOf(customerRef(stuck)) })).toBe(0);
    });

    it('an entry published but not removed (crash after the confirm) is published again with the same eventId', async () => {
      await a.relay.stop();
      const customers = await suite.customersCollection();
      let id: string;
      let entry: Record<string, unknown>;
      try {
        id = (await shop.createCustomer({ firstName: 'Twice', lastName: 'Told' })).id;
        const doc = (await customers.findOne({ _id: id })) as unknown as { outbox: Record<string, unknown>[]; outboxAt: Date };
        entry = doc.outbox[0];
      } finally {
        a.relay.start();
      }
      const [first] = await waitForEvents(id, 1);
      await outboxEmpties(id);

      // the state a relay leaves when it dies between the broker's confirm and removing the entry
      await customers.updateOne(
        { _id: id },
        { $set: { outbox: [entry], outboxAt: entry['createdAt'], relayLock: { owner: 'dead-relay', until: new Date(Date.now() - 1) } } },
      );
      const both = await waitForEvents(id, 2);
      expect(both.map((m) => m.messageId)).toEqual([first.messageId, first.messageId]);
      expect(both[1].body).toEqual(first.body);
      await outboxEmpties(id);
    });
  });

  it('two relays (two instances on one database) publish every entry exactly once, in per-customer order, under a burst', async () => {
    const b = await suite.start();
    const burst = await suite.retailer(a.url, 'Burst Shop');
    const viaA = burst;
    const viaB = burst.on(b.url);
    const CUSTOMERS = 6;
    const UPDATES = 10;
    const ids = await Promise.all(Array.from({ length: CUSTOMERS }, (_, i) => (i % 2 ? viaA : viaB).createCustomer({ firstName: `Burst${i}`, lastName: 'Customer' })));
    await Promise.all(
      ids.map(async (c, i) => {
        for (let u = 1; u <= UPDATES; u++) await (u % 2 ? viaA : viaB).updateCustomer(c.id, { email: `b${i}.${u}@example.com` });
      }),
    );
    const all = await eventually(() => {
      const got = tap.of(burst.id);
      return got.length >= CUSTOMERS * (UPDATES + 1) ? got : undefined;
    }, { what: 'every burst event', timeoutMs: 30_000 });

    expect(new Set(all.map((m) => m.messageId)).size).toBe(all.length); // no entry published twice
    expect(all).toHaveLength(CUSTOMERS * (UPDATES + 1));
    for (const c of ids) {
      const versions = all.filter((m: TappedMessage) => m.body['customerId'] === c.id).map((m) => m.body['customerVersion']);
      expect(versions).toEqual(Array.from({ length: UPDATES + 1 }, (_, v) => v + 1));
    }
    const final = await viaB.get(`/api/customers/${ids[0].id}`);
    expect(final.body).toMatchObject({ version: UPDATES + 1, email: `b0.${UPDATES}@example.com` });
    await b.close();
  });

  it('concurrent writes to one customer through two instances lose nothing', async () => {
    const b = await suite.start();
    const c = await shop.createCustomer({ firstName: 'Contended' });
    const fields = ['phone', 'mobile', 'fax', 'taxNumber', 'email', 'lastName', 'companyName', 'customerCode'];
    const values: Record<string, string> = {
      phone: '01',
      mobile: '02',
      fax: '03',
      taxNumber: 'T-1',
      email: 'c@example.com',
      lastName: 'Person',
      companyName: 'Contended Co',
      customerCode: 'CONT-1',
    };
    const results = await Promise.all(fields.map((f, i) => (i % 2 ? shop : shop.on(b.url)).patch(`/api/customers/${c.id}`, { [f]: values[f] })));
    expect(results.map((r) => r.status)).toEqual(fields.map(() => 200));
    const final = (await shop.get(`/api/customers/${c.id}`)).body;
    expect(final).toMatchObject({ version: 1 + fields.length, ...values });
    const events = await waitForEvents(c.id, 1 + fields.length);
    expect(events.map((m) => m.body['customerVersion'])).toEqual(Array.from({ length: 1 + fields.length }, (_, v) => v + 1));
    expect(events[events.length - 1].body['snapshot']).toMatchObject(values);
    await b.close();
  });
});
