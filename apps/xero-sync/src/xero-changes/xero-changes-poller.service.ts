import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { DocumentWrites } from '@pos/persistence';
import { XERO_SYNC_CONFIG } from '../config/config.tokens';
import { XeroSyncConfig } from '../config/xero-sync.config';
import { ConnectionsService, NotConnected, TenantAccess } from '../connections/connections.service';
import { SyncLedgerRepository } from '../ledger/sync-ledger.repository';
import { Pusher } from '../pusher/pusher.service';
import { ContactChecker } from './contact-checker.service';
import { pollStateRef } from './poll-state.schema';

/** Each poll asks again from a little before the last one started (clocks differ; a re-check changes nothing). */
const OVERLAP_MS = 60_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Lost webhooks (DESIGN §3 flow 6): every XERO_POLL_INTERVAL_MS each connected tenant this worker
 * holds the lease of is asked for the contacts changed since its last poll (If-Modified-Since), under
 * the tenant's limits, and those linked to customers are checked like a webhook's.
 */
@Injectable()
export class XeroChangesPoller implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(XeroChangesPoller.name);
  private running = false;
  private loop?: Promise<void>;

  constructor(
    private readonly connections: ConnectionsService,
    private readonly pusher: Pusher,
    private readonly ledger: SyncLedgerRepository,
    private readonly checker: ContactChecker,
    private readonly writes: DocumentWrites,
    @Inject(XERO_SYNC_CONFIG) private readonly config: XeroSyncConfig,
  ) {}

  onApplicationBootstrap() {
    this.running = true;
    this.loop = this.run();
  }

  async beforeApplicationShutdown() {
    this.running = false;
    await this.loop;
  }

  private async run() {
    while (this.running) {
      // in small steps, so that shutdown does not wait a whole interval
      for (let waited = 0; this.running && waited < this.config.XERO_POLL_INTERVAL_MS; waited += 200) await sleep(Math.min(200, this.config.XERO_POLL_INTERVAL_MS - waited));
      if (!this.running) return;
      for (const c of await this.connections.connected().catch(() => [])) {
        if (!this.running || !this.pusher.holds(c.retailerId)) continue;
        await this.pollTenant(c.retailerId, c.connectedAt).catch((err) => this.logger.warn(`poll of ${c.retailerId}: ${(err as Error).message}`));
      }
    }
  }

  /** One poll of a tenant: the contacts changed since the last poll, page by page. */
  async pollTenant(retailerId: string, connectedAt: Date): Promise<void> {
    const started = new Date();
    const state = await this.writes.read(pollStateRef(retailerId));
    const since = new Date((state?.since ?? new Date(connectedAt)).getTime() - OVERLAP_MS);
    let access: { a: TenantAccess };
    try {
      access = { a: await this.connections.access(retailerId) };
    } catch (err) {
      if (err instanceof NotConnected) return;
      throw err;
    }
    let changed = 0;
    for (let page = 1; ; page++) {
      const r = await this.pusher.call(retailerId, access, 'get_contacts', (a) => this.connections.xero.contactsModifiedSince(a.accessToken, a.tenantId, since, page));
      if (!r.ok) throw new Error(`Xero answered ${r.status ?? r.networkError} to the poll for changed contacts`);
      const contacts = r.body?.Contacts ?? [];
      changed += contacts.length;
      const linked = await this.ledger.linkedTo(retailerId, contacts.map((c) => String(c.ContactID)));
      if (linked.length) await this.checker.compare(retailerId, access, linked, contacts);
      if (contacts.length < 1000) break;
    }
    await this.writes.upsert(pollStateRef(retailerId), () => ({ since: started }));
    this.logger.debug(`polled ${retailerId}: ${changed} contact(s) changed since ${since.toISOString()}`);
  }
}
