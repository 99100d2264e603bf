import { Injectable, Logger } from '@nestjs/common';
import { XeroContact } from '@pos/customers-domain';
import { findDrift } from '@pos/sync-domain';
import { ConnectionsService, NotConnected, TenantAccess } from '../connections/connections.service';
import { SyncLedgerRepository } from '../ledger/sync-ledger.repository';
import { LedgerDoc } from '../ledger/ledger.schema';
import { SyncMetrics } from '../metrics/sync-metrics';
import { Pusher } from '../pusher/pusher.service';

/** ContactIDs per GET /Contacts?IDs= call. */
const IDS_PER_CALL = 50;

/**
 * Checks contacts Xero says changed (a webhook, the poll for missed ones) against what the POS last
 * pushed: the linked customers' contacts are fetched in batches by `IDs`, under the tenant's limits
 * (the pusher's calls), and each field that differs is reported as drift.
 */
@Injectable()
export class ContactChecker {
  private readonly logger = new Logger(ContactChecker.name);

  constructor(
    private readonly ledger: SyncLedgerRepository,
    private readonly connections: ConnectionsService,
    private readonly pusher: Pusher,
    private readonly metrics: SyncMetrics,
  ) {}

  /** Fetches and compares the contacts named (those not linked to a customer are left alone). Throws when Xero could not be asked. */
  async check(retailerId: string, contactIds: string[]): Promise<void> {
    const linked = await this.ledger.linkedTo(retailerId, contactIds);
    if (!linked.length) return;
    let access: { a: TenantAccess };
    try {
      access = { a: await this.connections.access(retailerId) };
    } catch (err) {
      if (err instanceof NotConnected) {
        this.logger.log(`not checking ${linked.length} contact(s) of ${retailerId}: ${err.message}`);
        return;
      }
      throw err;
    }
    const ids = [...new Set(linked.map((d) => String(d.xeroContactId)))];
    for (let i = 0; i < ids.length; i += IDS_PER_CALL) {
      const batch = ids.slice(i, i + IDS_PER_CALL);
      const r = await this.pusher.call(retailerId, access, 'get_contacts', (a) => this.connections.xero.contactsByIds(a.accessToken, a.tenantId, batch));
      if (!r.ok) throw new Error(`Xero answered ${r.status ?? r.networkError} to a look-up of ${batch.length} contact(s)`);
      await this.compare(retailerId, linked, r.body?.Contacts ?? []);
    }
  }

  /** Compares fetched contacts with the linked customers' ledger entries. */
  async compare(retailerId: string, linked: LedgerDoc[], contacts: XeroContact[]): Promise<void> {
    for (const contact of contacts) {
      for (const entry of linked.filter((d) => d.xeroContactId === contact.ContactID)) {
        const drift = findDrift(entry, contact);
        const fields = Object.keys(drift);
        if (await this.ledger.recordDrift(retailerId, entry.customerId, String(contact.ContactID), drift)) {
          if (fields.length) this.metrics.driftFound.inc();
          this.logger.log(
            fields.length
              ? `${entry.customerId}: contact ${contact.ContactID} was edited in Xero (${fields.join(', ')}); the next push overwrites it`
              : `${entry.customerId}: contact ${contact.ContactID} holds the POS values again`,
          );
        }
      }
    }
  }
}
