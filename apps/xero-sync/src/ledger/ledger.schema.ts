import { OutboxFields, StoredDoc, collectionOf, docRef } from '@pos/persistence';
import { Drift, LedgerEntry } from '@pos/sync-domain';
import { Schema } from 'mongoose';

export type LedgerDoc = LedgerEntry &
  StoredDoc &
  OutboxFields & {
  /** Whether the pusher has something to do for this customer (planPush is not idle); kept on every write. */
  needsPush: boolean;
  /** The correlation id of the newest recorded change (HTTP request → outbox → here → the Xero call → the result). */
  correlationId?: string;
  /** The drift last reported to the POS (customer.xero-drifted.v1); cleared by a push that succeeds. */
  xeroDrift?: Drift | null;
  };

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
    relinkedFrom: { type: String },
    unlinks: { type: Number },
    sent: { type: Schema.Types.Mixed, default: {} },
    reportedVersion: { type: Number },
    lastError: { type: Schema.Types.Mixed },
    heldByFailure: { type: Boolean, default: false },
    attempts: { type: Schema.Types.Mixed, default: [] },
    recentEventIds: { type: [String], default: [] },
    needsPush: { type: Boolean, default: false },
    correlationId: { type: String },
    xeroDrift: { type: Schema.Types.Mixed },
    outbox: { type: Schema.Types.Mixed, default: [] },
    outboxSeq: { type: Number, default: 0 },
    outboxAt: { type: Date, default: null },
    relayLock: { type: Schema.Types.Mixed },
  },
  { collection: LEDGER, timestamps: true, versionKey: false, minimize: false },
);
LedgerSchema.index({ retailerId: 1, needsPush: 1 });
LedgerSchema.index({ outboxAt: 1 });
LedgerSchema.index({ retailerId: 1, xeroContactId: 1 });

export const Ledger = collectionOf<LedgerDoc>(LEDGER);
export const ledgerId = (retailerId: string, customerId: string) => `${retailerId}:${customerId}`;
/** A customer's ledger entry: what every write to it (DocumentWrites) names. */
export const ledgerRef = (retailerId: string, customerId: string) => docRef(Ledger, ledgerId(retailerId, customerId));
