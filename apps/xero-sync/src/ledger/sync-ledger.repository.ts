import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { ChangeRequest, recordChange } from '@pos/customers-domain';
import { DocumentWrites, UNCHANGED } from '@pos/persistence';
import { Model } from 'mongoose';
import { LEDGER, LedgerDoc, ledgerId, ledgerRef } from './ledger.schema';

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

  /**
   * Records a change request; resolves once it is durable (then the message may be acked). Writers
   * of one entry (this worker's concurrent deliveries, other workers) never overwrite each other:
   * the ledger rule is applied again to the fresh entry when another wrote first.
   */
  async record(c: ChangeRequest): Promise<'recorded' | 'duplicate'> {
    let outcome: 'recorded' | 'duplicate' = 'recorded';
    await this.writes.upsert(ledgerRef(c.retailerId, c.customerId), (current) => {
      const next = recordChange(current ?? undefined, c);
      outcome = next === 'duplicate' ? 'duplicate' : 'recorded';
      return next === 'duplicate' ? UNCHANGED : next;
    });
    return outcome;
  }
}
