import { CustomerSyncFailed } from '@pos/sync-contracts';
import { xeroSyncContract } from '../support/xero-sync-contract';

/**
 * Contract: customer.sync-failed.v1, as xero-sync produces it, through the broker into the
 * customers service's real handler.
 */
describe('contract customer.sync-failed.v1: xero-sync → customers', () => {
  const contract = xeroSyncContract();

  it("shows a refused push as failed with Xero's reason; a failure xero-sync retries keeps the customer pending", async () => {
    const c = await contract.shop.createCustomer({ companyName: 'Refused Ltd' });
    expect((await contract.shop.post(`/api/customers/${c.id}/on-account-sales`, { amount: 5, reference: 'F-1' })).status).toBe(201);

    await contract.producer.publish(CustomerSyncFailed, contract.shop.id, { customerId: c.id, customerVersion: 1, error: { kind: 'unavailable', message: 'Xero 503' }, retrying: true });
    const retrying = await contract.shop.xeroWhen(c.id, (x) => x.history.length === 1, 'the retrying failure');
    expect(retrying).toMatchObject({ status: 'pending', lastError: { kind: 'unavailable', message: 'Xero 503' } });

    await contract.producer.publish(CustomerSyncFailed, contract.shop.id, {
      customerId: c.id,
      customerVersion: 1,
      error: { kind: 'validation', message: 'The contact name Refused Ltd is already assigned to another contact.' },
      retrying: false,
    });
    const failed = await contract.shop.xeroWhen(c.id, (x) => x.status === 'failed', 'the customer to show failed');
    expect(failed.lastError).toMatchObject({ kind: 'validation', message: 'The contact name Refused Ltd is already assigned to another contact.', version: 1 });
    expect(failed.history.map((h) => h.outcome)).toEqual(['failed', 'retrying']);
  });
});
