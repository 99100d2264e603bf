import { CustomersInstance, CustomersSuite, Retailer } from './customers-harness';
import { XeroSyncProducer } from './xero-sync-producer';

export interface XeroSyncContract {
  readonly suite: CustomersSuite;
  /** The customers service under test, its retailer, and a producer publishing as xero-sync does. */
  svc: CustomersInstance;
  shop: Retailer;
  producer: XeroSyncProducer;
}

/**
 * Inside a `describe`: what every xero-sync → customers contract spec needs, started before its tests
 * and stopped after them.
 */
export function xeroSyncContract(shopName = 'Contract Shop'): XeroSyncContract {
  const c = { suite: new CustomersSuite() } as XeroSyncContract;
  beforeAll(async () => {
    c.producer = await XeroSyncProducer.open(c.suite.infra.amqpUrl);
    c.svc = await c.suite.start();
    c.shop = await c.suite.retailer(c.svc.url, shopName);
  });
  afterAll(async () => {
    await c.producer?.close();
    await c.suite.close();
  });
  return c;
}
