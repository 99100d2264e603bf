import { LedgerEntry } from '@pos/sync-domain';
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
    fullPushVersion: { type: Number },
    xeroContactId: { type: String },
    sent: { type: Schema.Types.Mixed, default: {} },
    reportedVersion: { type: Number },
    lastError: { type: Schema.Types.Mixed },
    heldByFailure: { type: Boolean, default: false },
    attempts: { type: Schema.Types.Mixed, default: [] },
    recentEventIds: { type: [String], default: [] },
  },
  { collection: LEDGER, timestamps: true, versionKey: false, minimize: false },
);
LedgerSchema.index({ retailerId: 1, customerId: 1 });

export const ledgerId = (retailerId: string, customerId: string) => `${retailerId}:${customerId}`;
