import { LedgerEntry } from '@pos/customers-domain';
import { collectionOf, docRef } from '@pos/persistence';
import { Schema } from 'mongoose';

export type LedgerDoc = LedgerEntry & { _id: string; rev: number; createdAt: Date; updatedAt: Date };

export const LEDGER = 'sync_ledger';

export const LedgerSchema = new Schema<LedgerDoc>(
  {
    _id: { type: String, required: true },
    rev: { type: Number, required: true },
    retailerId: { type: String, required: true },
    customerId: { type: String, required: true },
    desiredVersion: { type: Number, required: true },
    desired: { type: Schema.Types.Mixed, required: true },
    pendingFields: { type: [String], default: [] },
    fullPush: { type: Boolean, default: false },
    xeroContactId: { type: String },
    recentEventIds: { type: [String], default: [] },
  },
  { collection: LEDGER, timestamps: true, versionKey: false, minimize: false },
);
LedgerSchema.index({ retailerId: 1, customerId: 1 });

export const Ledger = collectionOf<LedgerDoc>(LEDGER);
export const ledgerId = (retailerId: string, customerId: string) => `${retailerId}:${customerId}`;
/** A customer's ledger entry: what every write to it (DocumentWrites) names. */
export const ledgerRef = (retailerId: string, customerId: string) => docRef(Ledger, ledgerId(retailerId, customerId));
