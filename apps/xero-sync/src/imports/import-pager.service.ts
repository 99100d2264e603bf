import { Inject, Injectable, Logger } from '@nestjs/common';
import { SyncError } from '@pos/sync-domain';
import { XERO_SYNC_CONFIG } from '../config/config.tokens';
import { XeroSyncConfig } from '../config/xero-sync.config';
import { ConnectionsService, TenantAccess } from '../connections/connections.service';
import { ApiReply } from '../xero-client/xero-api';
import { importedContacts } from './contact-page.mapper';
import { ImportJobsRepository } from './import-jobs.repository';

/**
 * One Xero call of a tenant under the pusher's budgets and retry rules (the per-tenant and the app
 * limiter are the pusher's: the import shares them). The reply has `error` set when it failed.
 */
export type TenantCall = <T>(operation: string, fn: (a: TenantAccess) => Promise<ApiReply<T>>) => Promise<ApiReply<T> & { error?: SyncError }>;

/** How long a tenant's import rests after Xero kept failing (it resumes from the same page). */
const UNAVAILABLE_PAUSE_MS = 15_000;

/**
 * Pages a retailer's import through GET /Contacts, one page per call of `pageOnce`. The pusher's
 * loop of the tenant (held by exactly one worker, under the tenant's lease) calls it between its
 * push cycles, so pushes and import pages take turns on the tenant's budget. Each page is recorded
 * with its event in one write; the last page recorded is where paging resumes, and the next page is
 * fetched once the previous one is published (pages reach the broker in order).
 */
@Injectable()
export class ImportPager {
  private readonly logger = new Logger(ImportPager.name);
  private readonly pausedUntil = new Map<string, number>();

  constructor(
    private readonly jobs: ImportJobsRepository,
    private readonly connections: ConnectionsService,
    @Inject(XERO_SYNC_CONFIG) private readonly config: XeroSyncConfig,
  ) {}

  /** Fetches and records the next page of the retailer's import, if one is being paged; true when it did something. */
  async pageOnce(retailerId: string, call: TenantCall, live: () => boolean = () => true): Promise<boolean> {
    if ((this.pausedUntil.get(retailerId) ?? 0) > Date.now()) return false;
    const job = await this.jobs.paging(retailerId);
    if (!job) return false;
    const cursor = await this.jobs.cursor(job._id);
    if ('done' in cursor) {
      // the last page (and the finished event) went out before a crash: only the job's status is left
      await this.jobs.completed(job, cursor.done);
      return true;
    }
    // Pages are documents of their own, each with its own outbox: the next page is fetched only once
    // the previous one is published, so they reach the broker in order (and at most one page waits).
    if (!cursor.published) return false;
    const page = cursor.next;
    if (!live()) return false;
    const pageSize = this.config.XERO_IMPORT_PAGE_SIZE;
    const r = await call('get_contacts_page', (a) => this.connections.xero.contactsPage(a.accessToken, a.tenantId, page, pageSize));
    if (!r.ok) return this.failed(job, page, r.error);
    // cancelled while the page was on its way: nothing more goes out
    if ((await this.jobs.find(job._id))?.status !== 'paging') return true;
    const contacts = importedContacts(r.body?.Contacts);
    const reported = r.body?.pagination?.pageCount;
    // without Xero's pagination, a short page is the last one
    const pageCount = reported ?? (contacts.length < pageSize ? page : page + 1);
    if (page === 1 && pageCount === 0) {
      await this.jobs.completeEmpty(job); // an organisation without contacts
      return true;
    }
    // a page past the end (the organisation shrank while paging) is recorded as the last, empty
    const count = Math.max(pageCount, page);
    await this.jobs.recordPage(job, page, count, contacts);
    this.logger.log(`import ${job._id} of ${retailerId}: page ${page} of ${count} (${contacts.length} contacts)`);
    if (page >= count) await this.jobs.completed(job, page);
    return true;
  }

  /**
   * Fails the retailer's paging imports when their Xero connection is gone (the pusher only runs
   * the loops of connected tenants): each ends with a readable error.
   */
  async failUnconnected(connectedRetailers: Set<string>): Promise<void> {
    for (const retailerId of await this.jobs.retailersPaging()) {
      if (connectedRetailers.has(retailerId)) continue;
      const job = await this.jobs.paging(retailerId);
      if (!job) continue;
      const cursor = await this.jobs.cursor(job._id);
      const pages = 'done' in cursor ? cursor.done : cursor.next - 1;
      if ('done' in cursor) await this.jobs.completed(job, pages);
      else await this.jobs.fail(job, pages, 'Xero is not connected (or its connection expired): reconnect Xero from the POS settings, then import again.');
    }
  }

  private async failed(job: Parameters<ImportJobsRepository['fail']>[0], page: number, error?: SyncError): Promise<boolean> {
    if (!error) return false; // not sent (the lease may be gone): the next holder fetches the page
    if (error.kind === 'unavailable' || error.kind === 'rate_limited') {
      // Xero kept failing, or the day budget is spent: this page again later
      const until = error.retryAt ? Date.parse(error.retryAt) : Date.now() + UNAVAILABLE_PAUSE_MS;
      this.pausedUntil.set(job.retailerId, Math.max(until, Date.now() + 1000));
      this.logger.warn(`import ${job._id}: page ${page} not fetched (${error.message}); trying again later`);
      return true;
    }
    const message =
      error.kind === 'auth' || error.kind === 'not_connected'
        ? `Xero refused the connection (${error.message}): reconnect Xero from the POS settings, then import again.`
        : `Xero refused page ${page} of the contacts: ${error.message}`;
    this.logger.warn(`import ${job._id} failed: ${message}`);
    await this.jobs.fail(job, page - 1, message);
    return true;
  }
}
