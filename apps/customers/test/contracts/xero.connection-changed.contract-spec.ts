import { XeroConnectionChanged } from '@pos/sync-contracts';
import { eventually } from '@pos/testing';
import { CustomersInstance, CustomersSuite, Retailer } from '../support/customers-harness';
import { XeroSyncProducer } from '../support/xero-sync-producer';

/**
 * Contract: xero.connection-changed.v1, as xero-sync produces it after the OAuth callback, through
 * the broker into the customers service's real handler.
 */
describe('contract xero.connection-changed.v1: xero-sync → customers', () => {
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

  it("shows the retailer's Xero organisation once connected", async () => {
    const at = new Date();
    await producer.publish(XeroConnectionChanged, shop.id, { status: 'connected', tenantId: 'tenant-c', organisationName: 'Contract Shop Ltd', shortCode: '!Ct9' }, { occurredAt: at });
    const shown = await eventually(
      async () => {
        const body = (await shop.get('/api/xero/connection')).body;
        return body.status === 'connected' ? body : undefined;
      },
      { what: 'the connection to show' },
    );
    expect(shown).toEqual({ status: 'connected', tenantId: 'tenant-c', organisationName: 'Contract Shop Ltd', shortCode: '!Ct9', changedAt: at.toISOString() });
  });
});
