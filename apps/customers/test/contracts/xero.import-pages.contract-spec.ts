import { XeroConnectionChanged, XeroContactsPage, XeroImportFinished } from '@pos/sync-contracts';
import { eventually } from '@pos/testing';
import { randomUUID } from 'node:crypto';
import { CustomersInstance, CustomersSuite, Retailer } from '../support/customers-harness';
import { XeroSyncProducer } from '../support/xero-sync-producer';

/**
 * Contract: xero.contacts-page.v1 and xero.import-finished.v1, as xero-sync produces them while it
 * pages through a retailer's contacts, through the broker into the customers service's real
 * handlers (on the service's one queue).
 */
describe('contract xero.contacts-page.v1 + xero.import-finished.v1: xero-sync → customers', () => {
  const suite = new CustomersSuite();
  let svc: CustomersInstance;
  let producer: XeroSyncProducer;
  let shop: Retailer;

  beforeAll(async () => {
    producer = await XeroSyncProducer.open(suite.infra.amqpUrl);
    svc = await suite.start();
    shop = await suite.retailer(svc.url, 'Import Contract Shop');
    await producer.publish(XeroConnectionChanged, shop.id, { status: 'connected', tenantId: 'tenant-i', organisationName: 'Import Contract Ltd', shortCode: '!Ic1' });
    await eventually(async () => (await shop.get('/api/xero/connection')).body.status === 'connected', { what: 'the shop to be connected' });
  });
  afterAll(async () => {
    await producer?.close();
    await suite.close();
  });

  it('applies a page of contacts and completes the import once xero-sync says every page was sent', async () => {
    const started = await shop.post('/api/imports/xero', {});
    expect(started.status).toBe(202);
    const importId: string = started.body.id;
    const xeroContactId = randomUUID();
    await producer.publish(XeroContactsPage, shop.id, {
      importId,
      page: 1,
      pageCount: 1,
      contacts: [
        {
          xeroContactId,
          contactStatus: 'ACTIVE',
          isCustomer: true,
          isSupplier: false,
          name: 'Contract Contact Ltd',
          emailAddress: 'contract@example.com',
          fields: { companyName: 'Contract Contact Ltd', email: 'contract@example.com' },
        },
      ],
    });
    await producer.publish(XeroImportFinished, shop.id, { importId, status: 'completed', pages: 1 });

    const done = await eventually(
      async () => {
        const body = (await shop.get(`/api/imports/${importId}`)).body;
        return body.status === 'completed' ? body : undefined;
      },
      { what: 'the import to complete' },
    );
    expect(done).toMatchObject({ status: 'completed', pages: { done: 1, total: 1 }, contacts: { seen: 1, created: 1 } });
    const list = (await shop.get('/api/customers?q=contract')).body;
    expect(list.items).toEqual([expect.objectContaining({ companyName: 'Contract Contact Ltd', xeroStatus: 'synced', xeroContactId })]);
  });
});
