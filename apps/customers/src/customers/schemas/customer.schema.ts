import { CustomerFields, XeroLink } from '@pos/customers-domain';
import { OutboxEntry, OutboxFields, collectionOf, docRef } from '@pos/persistence';
import { Schema } from 'mongoose';

/** An event waiting in the customer's own document until the relay has published it. */
export type { OutboxEntry };

export interface OnAccountSale {
  id: string;
  amount: number;
  reference: string;
  at: Date;
}

/** A customer and, in the same document, the events about it that wait to be published (the outbox). */
export interface CustomerDoc extends OutboxFields {
  _id: string;
  retailerId: string;
  /** Bumped by every change to the customer's details. */
  version: number;
  /** Bumped by every write to the document (DocumentWrites compare-and-sets on it). */
  rev: number;
  fields: CustomerFields;
  /** Normalised prefixes for case-insensitive search (no collation or $text, see DESIGN §6). */
  searchKeys: string[];
  /** Sort key for stable paging. */
  sortName: string;
  /** Unique per retailer: the normalised customer code, or `~id` when there is none (no partial indexes). */
  codeKey: string;
  xero: XeroLink;
  sales: OnAccountSale[];
  /** Ids of the sync events already applied, newest first (idempotent consumption). */
  appliedEventIds?: string[];
  onAccountTotal: number;
  deletedAt?: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

export const CUSTOMERS = 'customers';

export const Customers = collectionOf<CustomerDoc>(CUSTOMERS);
/** A customer document: what every write to it (DocumentWrites) names. */
export const customerRef = (id: string) => docRef(Customers, id);

// Arrays of free-form subdocuments are declared as Mixed: their shape is owned by the domain types above.
export const CustomerSchema = new Schema<CustomerDoc>(
  {
    _id: { type: String, required: true },
    retailerId: { type: String, required: true },
    version: { type: Number, required: true },
    rev: { type: Number, required: true },
    fields: { type: Schema.Types.Mixed, default: {} },
    searchKeys: { type: [String], default: [] },
    sortName: { type: String, required: true },
    codeKey: { type: String, required: true },
    xero: { type: Schema.Types.Mixed, required: true },
    outbox: { type: Schema.Types.Mixed, default: () => [] },
    outboxSeq: { type: Number, default: 0 },
    outboxAt: { type: Date, default: null },
    relayLock: { type: Schema.Types.Mixed, default: null },
    sales: { type: Schema.Types.Mixed, default: () => [] },
    appliedEventIds: { type: [String], default: [] },
    onAccountTotal: { type: Number, default: 0 },
    deletedAt: { type: Date, default: null },
  },
  { collection: CUSTOMERS, timestamps: true, versionKey: false, minimize: false },
);
CustomerSchema.index({ retailerId: 1, codeKey: 1 }, { unique: true });
CustomerSchema.index({ retailerId: 1, sortName: 1, _id: 1 });
CustomerSchema.index({ retailerId: 1, searchKeys: 1 });
CustomerSchema.index({ retailerId: 1, 'xero.status': 1 });
CustomerSchema.index({ retailerId: 1, 'xero.contactId': 1 });
CustomerSchema.index({ outboxAt: 1 });
