import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { DocumentWrites, UNCHANGED } from '@pos/persistence';
import { CustomerSyncFailed, CustomerSyncSucceeded, CustomerXeroDrifted } from '@pos/sync-contracts';
import { ChangeRequest, Drift, LedgerEntry, PushReport, SurvivingContact, planPush, recordChange, relinkMerged, sameDrift } from '@pos/sync-domain';
import { RequestContext } from '@pos/service-kit';
import { Model } from 'mongoose';
import { withEvents } from '../outbox/outbox-events';
import { LEDGER, LedgerDoc, ledgerId, ledgerRef } from './ledger.schema';

/** The ledger entry as the domain sees it (storage fields left out). */
function toEntry(d: LedgerDoc): LedgerEntry {
  const { _id, rev, needsPush, correlationId, xeroDrift, outbox, outboxSeq, outboxAt, relayLock, createdAt, updatedAt, ...entry } = d;
  void [_id, rev, needsPush, correlationId, xeroDrift, outbox, outboxSeq, outboxAt, relayLock, createdAt, updatedAt];
  return { ...entry, sent: entry.sent ?? {}, attempts: entry.attempts ?? [], pendingFields: entry.pendingFields ?? [] };
}

/** The sync ledger in xero-sync's own database; every write is one document, through DocumentWrites. */
@Injectable()
export class SyncLedgerRepository {
  constructor(
    @InjectModel(LEDGER) private readonly model: Model<LedgerDoc>,
    private readonly writes: DocumentWrites,
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

  /** The retailer's entries linked to these contacts (the customers a Xero-side change may concern). */
  linkedTo(retailerId: string, contactIds: string[]): Promise<LedgerDoc[]> {
    return this.model.find({ retailerId, xeroContactId: { $in: contactIds } }).lean<LedgerDoc[]>().exec();
  }

  /**
   * Records what a fetch of the customer's contact found: when it differs from the drift last
   * reported, customer.xero-drifted.v1 goes out in the same write with every field that differs now
   * (none: Xero holds the POS values again). True when something new was reported.
   */
  async recordDrift(retailerId: string, customerId: string, contactId: string, drift: Drift): Promise<boolean> {
    let reported = false;
    await this.writes.upsert(ledgerRef(retailerId, customerId), (current) => {
      reported = false;
      if (!current || current.xeroContactId !== contactId) return UNCHANGED;
      if (sameDrift(current.xeroDrift ?? undefined, drift)) return UNCHANGED;
      reported = true;
      const outbox = withEvents(current, retailerId, [{ def: CustomerXeroDrifted, payload: { customerId, xeroContactId: contactId, fields: drift } } as never]);
      return { ...outbox, xeroDrift: Object.keys(drift).length ? drift : null };
    });
    return reported;
  }

  /**
   * Xero merged the customer's contact `from` into `survivor`: relinks the customer (history and
   * customer.sync-succeeded.v1 with relinkedFrom in the same write). Nothing happens when the
   * customer is no longer linked to `from`. True when it relinked.
   */
  async relink(retailerId: string, customerId: string, from: string, survivor: SurvivingContact): Promise<boolean> {
    let relinked = false;
    await this.writes.upsert(ledgerRef(retailerId, customerId), (current) => {
      relinked = false;
      if (!current || current.xeroContactId !== from) return UNCHANGED;
      const r = relinkMerged(toEntry(current), survivor, new Date().toISOString());
      if (r === 'unchanged') return UNCHANGED;
      relinked = true;
      return { ...this.stored(current, r.entry, [r.report]), xeroDrift: null };
    });
    return relinked;
  }

  /** How many customers of the retailer wait for a push (the backlog metric). */
  backlog(retailerId: string): Promise<number> {
    return this.model.countDocuments({ retailerId, needsPush: true }).exec();
  }

  /**
   * Records a change request; resolves once it is durable (then the message may be acked).
   * Idempotent by event id; a stale version never replaces a newer snapshot.
   */
  async record(c: ChangeRequest): Promise<'recorded' | 'duplicate'> {
    let outcome: 'recorded' | 'duplicate' = 'recorded';
    await this.writes.upsert(ledgerRef(c.retailerId, c.customerId), (current) => {
      const next = recordChange(current ? toEntry(current) : undefined, c);
      outcome = next === 'duplicate' ? 'duplicate' : 'recorded';
      if (next === 'duplicate') return UNCHANGED;
      return { ...this.stored(current, next, []), correlationId: RequestContext.correlationId() };
    });
    return outcome;
  }

  /**
   * Applies a push result to the entry as it is now (a change may have arrived while the push was
   * on its way) and puts the report for the POS in the entry's outbox, in the same write.
   */
  async apply(retailerId: string, customerId: string, rule: (e: LedgerEntry) => { entry: LedgerEntry; report?: PushReport }): Promise<PushReport | undefined> {
    let result: PushReport | undefined;
    await this.writes.upsert(ledgerRef(retailerId, customerId), (current) => {
      result = undefined;
      if (!current) return UNCHANGED;
      const { entry, report } = rule(toEntry(current));
      result = report;
      return this.stored(current, entry, report ? [report] : []);
    });
    return result;
  }

  private stored(current: LedgerDoc | null, entry: LedgerEntry, reports: PushReport[]): Omit<LedgerDoc, '_id' | 'rev'> {
    const outbox = withEvents(
      current,
      entry.retailerId,
      reports.map((r) =>
        r.outcome === 'succeeded'
          ? {
              def: CustomerSyncSucceeded,
              payload: {
                customerId: r.customerId,
                customerVersion: r.version,
                xeroContactId: r.contactId,
                pushedFields: r.pushedFields,
                ...(r.relinkedFrom ? { relinkedFrom: r.relinkedFrom } : {}),
              },
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
    // a push that succeeded leaves Xero holding the POS values: the drift is overwritten (the POS clears it on the same report)
    const overwritten = reports.some((r) => r.outcome === 'succeeded');
    const xeroDrift = overwritten ? null : (current?.xeroDrift ?? null);
    return { ...(current ?? {}), ...entry, needsPush: planPush(entry).kind !== 'idle', ...outbox, xeroDrift, relayLock: current?.relayLock ?? null };
  }
}
