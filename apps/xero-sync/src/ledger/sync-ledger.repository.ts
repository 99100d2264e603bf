import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { CustomerSyncFailed, CustomerSyncSucceeded } from '@pos/sync-contracts';
import { ChangeRequest, LedgerEntry, PushReport, planPush, recordChange } from '@pos/sync-domain';
import { RequestContext } from '@pos/service-kit';
import { Model } from 'mongoose';
import { DocumentWriter } from '../persistence/document-writer';
import { appendOutbox } from '../persistence/outbox';
import { LEDGER, LedgerDoc, ledgerId } from './ledger.schema';

/** The ledger entry as the domain sees it (storage fields left out). */
function toEntry(d: LedgerDoc): LedgerEntry {
  const { _id, rev, needsPush, correlationId, outbox, outboxSeq, outboxAt, relayLock, createdAt, updatedAt, ...entry } = d;
  void [_id, rev, needsPush, correlationId, outbox, outboxSeq, outboxAt, relayLock, createdAt, updatedAt];
  return { ...entry, sent: entry.sent ?? {}, attempts: entry.attempts ?? [], pendingFields: entry.pendingFields ?? [] };
}

/** The sync ledger in xero-sync's own database; every write is one DocumentWriter update. */
@Injectable()
export class SyncLedgerRepository {
  constructor(
    @InjectModel(LEDGER) private readonly model: Model<LedgerDoc>,
    private readonly writer: DocumentWriter,
  ) {}

  find(retailerId: string, customerId: string): Promise<LedgerDoc | null> {
    return this.model.findById(ledgerId(retailerId, customerId)).lean<LedgerDoc>().exec();
  }

  /** The entries the pusher has something to do for, and when the least recently changed of them changed. */
  async waiting(retailerId: string, limit: number): Promise<{ entries: LedgerEntry[]; oldest?: Date; correlationIds: Map<string, string> }> {
    const docs = await this.model.find({ retailerId, needsPush: true }).limit(limit).lean<LedgerDoc[]>().exec();
    const times = docs.map((d) => (d.updatedAt ? new Date(d.updatedAt).getTime() : Date.now()));
    const correlationIds = new Map(docs.filter((d) => d.correlationId).map((d) => [d.customerId, String(d.correlationId)]));
    return { entries: docs.map(toEntry), oldest: times.length ? new Date(Math.min(...times)) : undefined, correlationIds };
  }

  /** How many customers of the retailer wait for a push (the backlog metric). */
  backlog(retailerId: string): Promise<number> {
    return this.model.countDocuments({ retailerId, needsPush: true }).exec();
  }

  /**
   * Records a change request; resolves once it is durable (then the message may be acked).
   * Idempotent by event id; a stale version never replaces a newer snapshot.
   */
  record(c: ChangeRequest): Promise<'recorded' | 'duplicate'> {
    return this.writer.update<LedgerDoc, 'recorded' | 'duplicate'>(this.model, ledgerId(c.retailerId, c.customerId), (current) => {
      const next = recordChange(current ? toEntry(current) : undefined, c);
      if (next === 'duplicate') return { result: 'duplicate' };
      return { doc: { ...this.stored(current, next, []), correlationId: RequestContext.correlationId() }, result: 'recorded' };
    });
  }

  /**
   * Applies a push result to the entry as it is now (a change may have arrived while the push was
   * on its way) and puts the report for the POS in the entry's outbox, in the same write.
   */
  apply(retailerId: string, customerId: string, rule: (e: LedgerEntry) => { entry: LedgerEntry; report?: PushReport }): Promise<PushReport | undefined> {
    return this.writer.update<LedgerDoc, PushReport | undefined>(this.model, ledgerId(retailerId, customerId), (current) => {
      if (!current) return { result: undefined };
      const { entry, report } = rule(toEntry(current));
      return { doc: this.stored(current, entry, report ? [report] : []), result: report };
    });
  }

  private stored(current: LedgerDoc | undefined, entry: LedgerEntry, reports: PushReport[]): Omit<LedgerDoc, '_id' | 'rev'> {
    const outbox = appendOutbox(
      current,
      entry.retailerId,
      reports.map((r) =>
        r.outcome === 'succeeded'
          ? {
              def: CustomerSyncSucceeded,
              payload: { customerId: r.customerId, customerVersion: r.version, xeroContactId: r.contactId, pushedFields: r.pushedFields },
            }
          : {
              def: CustomerSyncFailed,
              payload: {
                customerId: r.customerId,
                customerVersion: r.version,
                error: { kind: r.error.kind, message: r.error.message, hint: r.error.hint, retryAt: r.error.retryAt },
                retrying: r.retrying,
              },
            },
      ) as never,
    );
    return { ...(current ?? {}), ...entry, needsPush: planPush(entry).kind !== 'idle', ...outbox, relayLock: current?.relayLock ?? null };
  }
}
