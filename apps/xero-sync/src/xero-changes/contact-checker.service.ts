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
  ) {
    pusher.onArchived = (retailerId, access, ids) => this.relinkIfMerged(retailerId, access, ids);
  }

  /** A push was refused as archived: those of the contacts that were merged relink their customers (answers their ids). */
  async relinkIfMerged(retailerId: string, access: { a: TenantAccess }, contactIds: string[]): Promise<Set<string>> {
    const merged = new Set<string>();
    const r = await this.pusher.call(retailerId, access, 'get_contacts', (a) => this.connections.xero.contactsByIds(a.accessToken, a.tenantId, contactIds));
    if (!r.ok) throw new Error(`Xero answered ${r.status ?? r.networkError} to a look-up of archived contacts`);
    const linked = await this.ledger.linkedTo(retailerId, contactIds);
    for (const c of r.body?.Contacts ?? []) {
      if (!c.MergedToContactID || !c.ContactID) continue;
      await this.relink(retailerId, access, linked.filter((d) => d.xeroContactId === c.ContactID), c.ContactID, c.MergedToContactID);
      merged.add(c.ContactID);
    }
    return merged;
  }

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
      await this.compare(retailerId, access, linked, r.body?.Contacts ?? []);
    }
  }

  /**
   * Compares fetched contacts with the linked customers' ledger entries. A contact merged into
   * another (MergedToContactID) relinks its customers to the surviving contact instead.
   */
  async compare(retailerId: string, access: { a: TenantAccess }, linked: LedgerDoc[], contacts: XeroContact[]): Promise<void> {
    for (const contact of contacts) {
      const entries = linked.filter((d) => d.xeroContactId === contact.ContactID);
      if (!entries.length) continue;
      if (contact.MergedToContactID) {
        await this.relink(retailerId, access, entries, String(contact.ContactID), contact.MergedToContactID);
        continue;
      }
      for (const entry of entries) {
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

  /** Relinks the customers of a merged contact to the contact it was merged into (read for its name). */
  async relink(retailerId: string, access: { a: TenantAccess }, entries: Pick<LedgerDoc, 'customerId'>[], from: string, to: string, depth = 0): Promise<void> {
    const r = await this.pusher.call(retailerId, access, 'get_contacts', (a) => this.connections.xero.contactsByIds(a.accessToken, a.tenantId, [to]));
    if (!r.ok) throw new Error(`Xero answered ${r.status ?? r.networkError} to a look-up of the contact ${from} was merged into`);
    const survivor = r.body?.Contacts?.find((c) => c.ContactID === to);
    // merged again since: follow the chain to the contact that survives now
    if (survivor?.MergedToContactID && survivor.MergedToContactID !== from && depth < 5) {
      return this.relink(retailerId, access, entries, from, survivor.MergedToContactID, depth + 1);
    }
    for (const e of entries) {
      if (await this.ledger.relink(retailerId, e.customerId, from, { contactId: to, name: survivor?.Name })) {
        this.logger.log(`${e.customerId}: contact ${from} was merged in Xero into ${survivor?.Name ?? to}; relinked to ${to}`);
      }
    }
  }
}
