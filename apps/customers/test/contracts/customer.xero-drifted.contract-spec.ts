import { CustomerSyncSucceeded, CustomerXeroDrifted } from '@pos/sync-contracts';
import { xeroSyncContract } from '../support/xero-sync-contract';

/**
 * Contract: customer.xero-drifted.v1, as xero-sync produces it, through the broker into the
 * customers service's real handler.
 */
describe('contract customer.xero-drifted.v1: xero-sync → customers', () => {
  const contract = xeroSyncContract();

  it('shows the fields edited in Xero on a linked customer', async () => {
    const c = await contract.shop.createCustomer({ firstName: 'Dee', lastName: 'Drift', email: 'dee@example.com' });
    expect((await contract.shop.post(`/api/customers/${c.id}/on-account-sales`, { amount: 5, reference: 'D-1' })).status).toBe(201);
    await contract.producer.publish(CustomerSyncSucceeded, contract.shop.id, { customerId: c.id, customerVersion: 1, xeroContactId: 'contact-drift', pushedFields: ['firstName', 'lastName', 'email'] });
    await contract.shop.xeroWhen(c.id, (x) => x.status === 'synced', 'the customer to be synced');

    await contract.producer.publish(CustomerXeroDrifted, contract.shop.id, {
      customerId: c.id,
      xeroContactId: 'contact-drift',
      fields: { email: { pos: 'dee@example.com', xero: 'dee@xero-edit.example.com' } },
    });
    const x = await contract.shop.xeroWhen(c.id, (v) => v.drift !== null, 'the drift to show');
    expect(x).toMatchObject({ status: 'synced', drift: { email: { pos: 'dee@example.com', xero: 'dee@xero-edit.example.com' } } });
  });
});
