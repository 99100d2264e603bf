import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { DocumentWrites, UNCHANGED } from '@pos/persistence';
import { ImportedContactDto, MatchBy, Payload, XeroContactsPage, XeroContactsPageV1, XeroImportFinished } from '@pos/sync-contracts';
import { Model } from 'mongoose';
import { OutboxEvent, withEvents } from '../outbox/outbox-events';
import { IMPORT_JOBS, IMPORT_PAGES, ImportJobDoc, ImportPageDoc, importJobRef, importPageRef } from './import-job.schema';

/** Where an import's paging stands: the next page to fetch, or that every page went out. */
export type ImportCursor = { next: number } | { done: number };

/** Import jobs and their fetched pages in xero-sync's own database; every write is one document. */
@Injectable()
export class ImportJobsRepository {
  constructor(
    @InjectModel(IMPORT_JOBS) private readonly jobs: Model<ImportJobDoc>,
    @InjectModel(IMPORT_PAGES) private readonly pages: Model<ImportPageDoc>,
    private readonly writes: DocumentWrites,
  ) {}

  find(importId: string): Promise<ImportJobDoc | null> {
    return this.jobs.findById(importId).lean<ImportJobDoc>().exec();
  }

  /** Records a requested import; idempotent by import id (a redelivery, or a request after its cancel, changes nothing). */
  async request(r: { importId: string; retailerId: string; dryRun: boolean; matchBy: MatchBy[] }): Promise<'recorded' | 'duplicate'> {
    let outcome: 'recorded' | 'duplicate' = 'duplicate';
    await this.writes.upsert(importJobRef(r.importId), (cur) => {
      if (cur) return UNCHANGED;
      outcome = 'recorded';
      return { retailerId: r.retailerId, dryRun: r.dryRun, matchBy: r.matchBy, status: 'paging' as const, requestedAt: new Date(), ...withEvents(null, r.retailerId, []), relayLock: null };
    });
    return outcome;
  }

  /**
   * Stops paging the import. A cancel that arrives before its request leaves a cancelled job, so
   * the request that follows is a no-op. Another retailer's import id changes nothing.
   */
  async cancel(importId: string, retailerId: string): Promise<'cancelled' | 'unchanged'> {
    let outcome: 'cancelled' | 'unchanged' = 'unchanged';
    await this.writes.upsert(importJobRef(importId), (cur) => {
      if (cur && (cur.retailerId !== retailerId || cur.status !== 'paging')) return UNCHANGED;
      outcome = 'cancelled';
      if (cur) return { status: 'cancelled' as const, endedAt: new Date() };
      const now = new Date();
      return { retailerId, dryRun: false, matchBy: [], status: 'cancelled' as const, requestedAt: now, endedAt: now, ...withEvents(null, retailerId, []), relayLock: null };
    });
    return outcome;
  }

  /** The retailer's imports being paged, oldest first (they page one after the other). */
  paging(retailerId: string): Promise<ImportJobDoc | null> {
    return this.jobs.findOne({ status: 'paging', retailerId }).sort({ requestedAt: 1 }).lean<ImportJobDoc>().exec();
  }

  /** The retailers with an import being paged. */
  async retailersPaging(): Promise<string[]> {
    return (await this.jobs.distinct('retailerId', { status: 'paging' }).exec()).map(String);
  }

  /**
   * The last page recorded is where paging resumes (after a crash, a kill -9 or a lease taken over);
   * `published` says whether its events have left the outbox yet.
   */
  async cursor(importId: string): Promise<ImportCursor & { published: boolean }> {
    const last = await this.pages.findOne({ importId }).sort({ page: -1 }).lean<ImportPageDoc>().exec();
    if (!last) return { next: 1, published: true };
    const published = !last.outbox?.length;
    return last.page >= last.pageCount ? { done: last.page, published } : { next: last.page + 1, published };
  }

  /**
   * Records page `page` as fetched with its xero.contacts-page.v1 in the same write, and on the last
   * page xero.import-finished.v1 too; a page recorded already is left as it is (idempotent).
   */
  async recordPage(job: ImportJobDoc, page: number, pageCount: number, contacts: ImportedContactDto[]): Promise<void> {
    const payload: Payload<XeroContactsPageV1> = { importId: job._id, page, pageCount, contacts };
    const events: OutboxEvent[] = [{ def: XeroContactsPage, payload } as OutboxEvent];
    if (page >= pageCount) events.push({ def: XeroImportFinished, payload: { importId: job._id, status: 'completed', pages: page } } as OutboxEvent);
    await this.writes.upsert(importPageRef(job._id, page), (cur) => {
      if (cur) return UNCHANGED;
      return { importId: job._id, retailerId: job.retailerId, page, pageCount, contacts: contacts.length, ...withEvents(null, job.retailerId, events), relayLock: null };
    });
  }

  /** An organisation without contacts: nothing to page, the import finishes with no page. */
  async completeEmpty(job: ImportJobDoc): Promise<void> {
    await this.end(job, 'completed', 0, undefined, [{ def: XeroImportFinished, payload: { importId: job._id, status: 'completed', pages: 0 } } as OutboxEvent]);
  }

  /** Every page went out (the last page's write carried xero.import-finished.v1): the job is over. */
  async completed(job: ImportJobDoc, pages: number): Promise<void> {
    await this.end(job, 'completed', pages, undefined, []);
  }

  /** Paging failed for good: the job ends with xero.import-finished.v1 {status: failed, error} in the same write. */
  async fail(job: ImportJobDoc, pages: number, error: string): Promise<void> {
    await this.end(job, 'failed', pages, error, [{ def: XeroImportFinished, payload: { importId: job._id, status: 'failed', pages, error } } as OutboxEvent]);
  }

  private async end(job: ImportJobDoc, status: 'completed' | 'failed', pages: number, error: string | undefined, events: OutboxEvent[]) {
    await this.writes.upsert(importJobRef(job._id), (cur) => {
      if (!cur || cur.status !== 'paging') return UNCHANGED; // cancelled meanwhile: the retailer's word stands
      return { status, pages, endedAt: new Date(), ...(error ? { error } : {}), ...withEvents(cur, cur.retailerId, events) };
    });
  }
}
