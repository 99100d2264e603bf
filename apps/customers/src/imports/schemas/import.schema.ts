import { ImportedContact, MatchRule } from '@pos/customers-domain';
import { OutboxFields, collectionOf, docRef } from '@pos/persistence';
import { ImportJobStatus, ImportStatus } from '@pos/sync-contracts';
import { Schema } from 'mongoose';

export interface ImportCounts {
  seen: number;
  created: number;
  linked: number;
  skippedSupplierOnly: number;
  skippedArchived: number;
  skippedAlreadyLinked: number;
  ambiguous: number;
  /** Contacts whose fields the POS refused (a per-contact problem, not a failed page). */
  refused: number;
}

export const NO_COUNTS: ImportCounts = {
  seen: 0,
  created: 0,
  linked: 0,
  skippedSupplierOnly: 0,
  skippedArchived: 0,
  skippedAlreadyLinked: 0,
  ambiguous: 0,
  refused: 0,
};

/** An import job and, in the same document, the events about it that wait to be published (the outbox). */
export interface ImportJobDoc extends OutboxFields {
  _id: string;
  retailerId: string;
  status: ImportJobStatus;
  dryRun: boolean;
  matchBy: MatchRule[];
  /** Bumped by every write to the document (DocumentWrites compare-and-sets on it). */
  rev: number;
  /** Pages are applied in order: pages 1..pagesDone are applied (a page at or below it is a no-op). */
  pagesDone: number;
  /** The organisation's page count, as the latest page reported it. */
  pageCount: number | null;
  counts: ImportCounts;
  /** Pages that arrived after the import was cancelled, and were ignored. */
  pagesIgnored: number[];
  /** What xero-sync reported at the end; the job completes once every reported page is applied. */
  finished: { status: ImportStatus; pages: number; error?: string; at: string } | null;
  startedAt: Date | null;
  endedAt: Date | null;
  cancelledAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

export const IMPORT_JOBS = 'imports';
export const ImportJobs = collectionOf<ImportJobDoc>(IMPORT_JOBS);
export const importJobRef = (id: string) => docRef(ImportJobs, id);

export const ImportJobSchema = new Schema<ImportJobDoc>(
  {
    _id: { type: String, required: true },
    retailerId: { type: String, required: true },
    status: { type: String, required: true },
    dryRun: { type: Boolean, required: true },
    matchBy: { type: [String], required: true },
    rev: { type: Number, required: true },
    pagesDone: { type: Number, default: 0 },
    pageCount: { type: Number, default: null },
    counts: { type: Schema.Types.Mixed, required: true },
    pagesIgnored: { type: [Number], default: [] },
    finished: { type: Schema.Types.Mixed, default: null },
    startedAt: { type: Date, default: null },
    endedAt: { type: Date, default: null },
    cancelledAt: { type: Date, default: null },
    outbox: { type: Schema.Types.Mixed, default: () => [] },
    outboxSeq: { type: Number, default: 0 },
    outboxAt: { type: Date, default: null },
    relayLock: { type: Schema.Types.Mixed, default: null },
  },
  { collection: IMPORT_JOBS, timestamps: true, versionKey: false, minimize: false },
);
ImportJobSchema.index({ retailerId: 1, createdAt: -1 });
ImportJobSchema.index({ outboxAt: 1 });

/** The retailer's "current import" slot (`_id` = retailer id): one import at a time. */
export interface ImportSlotDoc {
  _id: string;
  importId: string;
  /** When the slot was taken: the job is written just after it (a slot naming no job is free once this is old). */
  takenAt: Date;
  rev: number;
}
export const IMPORT_SLOTS = 'import_slots';
export const ImportSlots = collectionOf<ImportSlotDoc>(IMPORT_SLOTS);
export const importSlotRef = (retailerId: string) => docRef(ImportSlots, retailerId);
export const ImportSlotSchema = new Schema<ImportSlotDoc>(
  {
    _id: { type: String, required: true },
    importId: { type: String, required: true },
    takenAt: { type: Date, required: true },
    rev: { type: Number, required: true },
  },
  { collection: IMPORT_SLOTS, versionKey: false },
);

/**
 * The contacts of one import that matched one POS customer, in the order the import met them
 * (`_id` = `<import id>:<customer id>`): how two contacts matching one customer are found across pages.
 */
export interface ImportClaimDoc {
  _id: string;
  importId: string;
  customerId: string;
  /** The contact is kept so that a later page can show both sides of the double claim. */
  claimants: { contactId: string; page: number; contact: ImportedContact }[];
  rev: number;
}
export const IMPORT_CLAIMS = 'import_claims';
export const ImportClaims = collectionOf<ImportClaimDoc>(IMPORT_CLAIMS);
export const importClaimRef = (importId: string, customerId: string) => docRef(ImportClaims, `${importId}:${customerId}`);
export const ImportClaimSchema = new Schema<ImportClaimDoc>(
  {
    _id: { type: String, required: true },
    importId: { type: String, required: true },
    customerId: { type: String, required: true },
    claimants: { type: Schema.Types.Mixed, default: () => [] },
    rev: { type: Number, required: true },
  },
  { collection: IMPORT_CLAIMS, versionKey: false },
);

/** A POS customer as a problem shows it. */
export interface ProblemCustomer {
  id: string;
  name: string;
  email?: string;
  customerCode?: string;
  xeroContactId?: string;
}

/** One contact the import left alone, with both sides (`_id` = `<import id>:<xero contact id>`). */
export interface ImportProblemDoc {
  _id: string;
  importId: string;
  page: number;
  kind: 'ambiguous' | 'refused';
  reason: string;
  message: string;
  contact: ImportedContact;
  customers: ProblemCustomer[];
  /** The other contacts of this import that matched the same customer. */
  otherContacts?: { xeroContactId: string; name?: string; emailAddress?: string }[];
  rule?: MatchRule;
  at: Date;
  rev: number;
}
export const IMPORT_PROBLEMS = 'import_problems';
export const ImportProblems = collectionOf<ImportProblemDoc>(IMPORT_PROBLEMS);
export const importProblemRef = (importId: string, contactId: string) => docRef(ImportProblems, `${importId}:${contactId}`);
export const ImportProblemSchema = new Schema<ImportProblemDoc>(
  {
    _id: { type: String, required: true },
    importId: { type: String, required: true },
    page: { type: Number, required: true },
    kind: { type: String, required: true },
    reason: { type: String, required: true },
    message: { type: String, required: true },
    contact: { type: Schema.Types.Mixed, required: true },
    customers: { type: Schema.Types.Mixed, default: () => [] },
    otherContacts: { type: Schema.Types.Mixed },
    rule: { type: String },
    at: { type: Date, required: true },
    rev: { type: Number, required: true },
  },
  { collection: IMPORT_PROBLEMS, versionKey: false, minimize: false },
);
ImportProblemSchema.index({ importId: 1, page: 1, _id: 1 });
