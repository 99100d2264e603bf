import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { ChangeRequest, recordChange } from '@pos/sync-domain';
import { DocumentLocks } from '@pos/service-kit';
import { Model } from 'mongoose';
import { LEDGER, LedgerDoc, ledgerId } from './ledger.schema';

const MAX_ATTEMPTS = 10;

/** The sync ledger in xero-sync's own database; single-document compare-and-set writes. */
@Injectable()
export class SyncLedgerRepository {
  constructor(
    @InjectModel(LEDGER) private readonly model: Model<LedgerDoc>,
    private readonly locks: DocumentLocks,
  ) {}

  find(retailerId: string, customerId: string): Promise<LedgerDoc | null> {
    return this.model.findById(ledgerId(retailerId, customerId)).lean<LedgerDoc>().exec();
  }

  /**
   * Records a change request; resolves once it is durable (then the message may be acked). Writers
   * of one entry (this worker's concurrent deliveries, other workers) are serialised by DocumentLocks
   * where the server's conditional updates are not atomic (FerretDB), else by compare-and-set on rev.
   */
  record(c: ChangeRequest): Promise<'recorded' | 'duplicate'> {
    const _id = ledgerId(c.retailerId, c.customerId);
    return this.locks.run(`${LEDGER}:${_id}`, () => this.recordLocked(_id, c));
  }

  private async recordLocked(_id: string, c: ChangeRequest): Promise<'recorded' | 'duplicate'> {
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const current = await this.model.findById(_id).lean<LedgerDoc>().exec();
      const next = recordChange(current ?? undefined, c);
      if (next === 'duplicate') return 'duplicate';
      if (!current) {
        try {
          await this.model.create({ ...next, _id, rev: 1 });
          return 'recorded';
        } catch (err) {
          if ((err as { code?: number }).code === 11000) continue; // another worker inserted first
          throw err;
        }
      }
      const r = await this.model
        .updateOne(this.locks.conditional(_id, { rev: current.rev }), { $set: { ...next, rev: current.rev + 1 } })
        .exec();
      if (r.matchedCount) return 'recorded';
    }
    throw new Error(`ledger entry ${_id} kept changing; will retry`);
  }
}
