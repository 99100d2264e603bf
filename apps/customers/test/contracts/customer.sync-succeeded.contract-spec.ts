import { DocumentWrites, LOCKS_COLLECTION, lockKeyOf, locksDatabase } from '@pos/persistence';
import { CustomerSyncSucceeded } from '@pos/sync-contracts';
import { eventually } from '@pos/testing';
import request from 'supertest';
import { drainQueue } from '../support/broker';
import { xeroSyncContract } from '../support/xero-sync-contract';
import { customerRef } from '../../src/customers/schemas/customer.schema';

/**
 * Contract: customer.sync-succeeded.v1, as xero-sync produces it, through the broker into the
 * customers service's real handler (its @EventPattern on `<prefix>customers.xero-status`).
 */
describe('contract customer.sync-succeeded.v1: xero-sync → customers', () => {
  const contract = xeroSyncContract();

  /** A customer waiting for its first push (an on-account sale asks for one). */
  async function pendingCustomer() {
    const c = await contract.shop.createCustomer({ firstName: 'Sue', lastName: 'Synced', email: 'sue@example.com' });
    expect((await contract.shop.post(`/api/customers/${c.id}/on-account-sales`, { amount: 5, reference: 'S-1' })).status).toBe(201);
    return c;
  }

  const consumed = async (outcome: 'applied' | 'error') => {
    const text = (await request(contract.svc.url).get('/metrics')).text;
    const m = new RegExp(`^events_consumed_total\\{routing_key="customer\\.sync-succeeded\\.v1",outcome="${outcome}"\\} (\\d+)$`, 'm').exec(text);
    return m ? Number(m[1]) : 0;
  };

  it('turns the pushed customer synced, linked to the contact xero-sync reports', async () => {
    const c = await pendingCustomer();
    await contract.producer.publish(CustomerSyncSucceeded, contract.shop.id, { customerId: c.id, customerVersion: 1, xeroContactId: 'contact-contract-1', pushedFields: ['firstName', 'lastName', 'email'] });
    const x = await contract.shop.xeroWhen(c.id, (v) => v.status === 'synced', 'the customer to be synced');
    expect(x).toMatchObject({ status: 'synced', contactId: 'contact-contract-1', pendingFields: [], lastError: null });
    expect(x.history).toEqual([expect.objectContaining({ version: 1, outcome: 'succeeded', fields: ['firstName', 'lastName', 'email'] })]);
  });

  it('a relink (the contact was merged in Xero) moves the customer to the surviving contact and says so in the history', async () => {
    const c = await pendingCustomer();
    await contract.producer.publish(CustomerSyncSucceeded, contract.shop.id, { customerId: c.id, customerVersion: 1, xeroContactId: 'contact-merged', pushedFields: ['firstName', 'lastName', 'email'] });
    await contract.shop.xeroWhen(c.id, (v) => v.contactId === 'contact-merged', 'the first link');
    await contract.producer.publish(CustomerSyncSucceeded, contract.shop.id, {
      customerId: c.id,
      customerVersion: 1,
      xeroContactId: 'contact-survivor',
      pushedFields: [],
      relinkedFrom: { contactId: 'contact-merged', reason: 'merged', intoName: 'Sue Holdings' },
    });
    const x = await contract.shop.xeroWhen(c.id, (v) => v.contactId === 'contact-survivor', 'the relink');
    expect(x).toMatchObject({ status: 'synced', contactId: 'contact-survivor' });
    expect(x.history[0]).toMatchObject({ outcome: 'succeeded', note: 'merged in Xero into Sue Holdings' });
  });

  it('a result whose first attempt met a customer lock held by another writer is applied on its retry, not dead-lettered', async () => {
    const c = await pendingCustomer();
    const locks = (await contract.suite.db()).useDb(locksDatabase(contract.suite.dbName)).collection<{ _id: string; owner: string; until: Date }>(LOCKS_COLLECTION);
    const serverLocks = await contract.svc.app.get(DocumentWrites).usesLockDocuments();
    const errorsBefore = await consumed('error');
    // another writer (here: one that died) holds the customer; only servers without atomic updates take such locks
    // (the relay may hold it for a moment while it publishes the sale's event: take it once free)
    const lock = { _id: lockKeyOf(customerRef(c.id)), owner: 'another-writer', until: new Date(Date.now() + 10 * 60_000) };
    if (serverLocks) await eventually(() => locks.insertOne(lock).then(() => true, () => undefined), { what: 'the customer lock' });
    const e = await contract.producer.publish(CustomerSyncSucceeded, contract.shop.id, { customerId: c.id, customerVersion: 1, xeroContactId: 'contact-contract-2', pushedFields: ['email'] });
    if (serverLocks) {
      await eventually(async () => ((await consumed('error')) > errorsBefore ? true : undefined), { what: 'the first attempt to fail on the lock', timeoutMs: 30_000 });
      await locks.deleteOne({ _id: lockKeyOf(customerRef(c.id)) });
    }
    const x = await eventually(
      async () => {
        const v = await contract.shop.xero(c.id);
        return v.status === 'synced' ? v : undefined;
      },
      { what: 'the retried result to be applied', timeoutMs: 30_000 },
    );
    expect(x).toMatchObject({ status: 'synced', contactId: 'contact-contract-2' });
    const dead = await drainQueue(contract.suite.infra.amqpUrl, `${contract.suite.queuePrefix}customers.xero-status.dlq`);
    expect(dead.filter((d) => d.properties.messageId === e.eventId)).toEqual([]);
  }, 90_000);
});
