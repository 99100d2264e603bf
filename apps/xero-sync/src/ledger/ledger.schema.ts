import { LedgerEntry } from '@pos/sync-domain';
import { Schema } from 'mongoose';
import { OutboxEntry, RelayLock } from '../persistence/outbox';

export type LedgerDoc = LedgerEntry & {
  _id: string;
  rev: number;
  /** Whether the pusher has something to do for this customer (planPush is not idle); kept on every write. */
  needsPush: boolean;
  /** The correlation id of the newest recorded change (HTTP request → outbox → here → the Xero call → the result). */
  correlationId?: string;
  outbox: OutboxEntry[];
  outboxSeq: number;
  outboxAt?: Date | null;
  relayLock?: RelayLock | null;
  createdAt?: Date;
  updatedAt?: Date;
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
    sent: { type: Schema.Types.Mixed, default: {} },
    reportedVersion: { type: Number },
    lastError: { type: Schema.Types.Mixed },
    heldByFailure: { type: Boolean, default: false },
    attempts: { type: Schema.Types.Mixed, default: [] },
    recentEventIds: { type: [String], default: [] },
    needsPush: { type: Boolean, default: false },
    correlationId: { type: String },
    outbox: { type: Schema.Types.Mixed, default: [] },
    outboxSeq: { type: Number, default: 0 },
    outboxAt: { type: Date, default: null },
    relayLock: { type: Schema.Types.Mixed },
  },
  { collection: LEDGER, timestamps: true, versionKey: false, minimize: false },
);
LedgerSchema.index({ retailerId: 1, needsPush: 1 });
LedgerSchema.index({ outboxAt: 1 });

export const ledgerId = (retailerId: string, customerId: string) => `${retailerId}:${customerId}`;
