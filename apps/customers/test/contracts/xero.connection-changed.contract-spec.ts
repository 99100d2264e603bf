import { XeroConnectionChanged } from '@pos/sync-contracts';
import { eventually } from '@pos/testing';
import { xeroSyncContract } from '../support/xero-sync-contract';

/**
 * Contract: xero.connection-changed.v1, as xero-sync produces it after the OAuth callback, through
 * the broker into the customers service's real handler.
 */
describe('contract xero.connection-changed.v1: xero-sync → customers', () => {
  const contract = xeroSyncContract();

  it("shows the retailer's Xero organisation once connected", async () => {
    const at = new Date();
    await contract.producer.publish(XeroConnectionChanged, contract.shop.id, { status: 'connected', tenantId: 'tenant-c', organisationName: 'Contract Shop Ltd', shortCode: '!Ct9' }, { occurredAt: at });
    const shown = await eventually(
      async () => {
        const body = (await contract.shop.get('/api/xero/connection')).body;
        return body.status === 'connected' ? body : undefined;
      },
      { what: 'the connection to show' },
    );
    expect(shown).toEqual({ status: 'connected', tenantId: 'tenant-c', organisationName: 'Contract Shop Ltd', shortCode: '!Ct9', changedAt: at.toISOString() });
  });
});
