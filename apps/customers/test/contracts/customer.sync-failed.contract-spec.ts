import { CustomerSyncFailed } from '@pos/sync-contracts';
import { CustomersInstance, CustomersSuite, Retailer } from '../support/customers-harness';
import { XeroSyncProducer } from '../support/xero-sync-producer';

/**
 * Contract: customer.sync-failed.v1, as xero-sync produces it, through the broker into the
 * customers service's real handler.
 */
describe('contract customer.sync-failed.v1: xero-sync → customers', () => {
  const suite = new CustomersSuite();
  let svc: CustomersInstance;
  let producer: XeroSyncProducer;
  let shop: Retailer;

  beforeAll(async () => {
    producer = await XeroSyncProducer.open(suite.infra.amqpUrl);
    svc = await suite.start();
    shop = await suite.retailer(svc.url, 'Contract Shop');
  });
  afterAll(async () => {
    await producer?.close();
    await suite.close();
  });

  it("shows a refused push as failed with Xero's reason; a failure xero-sync retries keeps the customer pending", async () => {
    const c = await shop.createCustomer({ companyName: 'Refused Ltd' });
    expect((await shop.post(`/api/customers/${c.id}/on-account-sales`, { amount: 5, reference: 'F-1' })).status).toBe(201);

    await producer.publish(CustomerSyncFailed, shop.id, { customerId: c.id, customerVersion: 1, error: { kind: 'unavailable', message: 'Xero 503' }, retrying: true });
    const retrying = await shop.xeroWhen(c.id, (x) => x.history.length === 1, 'the retrying failure');
    expect(retrying).toMatchObject({ status: 'pending', lastError: { kind: 'unavailable', message: 'Xero 503' } });

    await producer.publish(CustomerSyncFailed, shop.id, {
      customerId: c.id,
      customerVersion: 1,
      error: { kind: 'validation', message: 'The contact name Refused Ltd is already assigned to another contact.' },
      retrying: false,
    });
    const failed = await shop.xeroWhen(c.id, (x) => x.status === 'failed', 'the customer to show failed');
    expect(failed.lastError).toMatchObject({ kind: 'validation', message: 'The contact name Refused Ltd is already assigned to another contact.', version: 1 });
    expect(failed.history.map((h) => h.outcome)).toEqual(['failed', 'retrying']);
  });
});
