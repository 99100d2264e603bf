import { CustomerSyncSucceeded, CustomerXeroDrifted } from '@pos/sync-contracts';
import { CustomersInstance, CustomersSuite, Retailer } from '../support/customers-harness';
import { XeroSyncProducer } from '../support/xero-sync-producer';

/**
 * Contract: customer.xero-drifted.v1, as xero-sync produces it, through the broker into the
 * customers service's real handler.
 */
describe('contract customer.xero-drifted.v1: xero-sync → customers', () => {
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

  it('shows the fields edited in Xero on a linked customer', async () => {
    const c = await shop.createCustomer({ firstName: 'Dee', lastName: 'Drift', email: 'dee@example.com' });
    expect((await shop.post(`/api/customers/${c.id}/on-account-sales`, { amount: 5, reference: 'D-1' })).status).toBe(201);
    await producer.publish(CustomerSyncSucceeded, shop.id, { customerId: c.id, customerVersion: 1, xeroContactId: 'contact-drift', pushedFields: ['firstName', 'lastName', 'email'] });
    await shop.xeroWhen(c.id, (x) => x.status === 'synced', 'the customer to be synced');

    await producer.publish(CustomerXeroDrifted, shop.id, {
      customerId: c.id,
      xeroContactId: 'contact-drift',
      fields: { email: { pos: 'dee@example.com', xero: 'dee@xero-edit.example.com' } },
    });
    const x = await shop.xeroWhen(c.id, (v) => v.drift !== null, 'the drift to show');
    expect(x).toMatchObject({ status: 'synced', drift: { email: { pos: 'dee@example.com', xero: 'dee@xero-edit.example.com' } } });
  });
});
