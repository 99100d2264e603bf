import { OutboxFields, StoredDoc, collectionOf, docRef } from '@pos/persistence';
import { MatchBy } from '@pos/sync-contracts';
import { Schema } from 'mongoose';

/** paging: pages are being fetched; the other three are final. */
export type ImportJobStatus = 'paging' | 'completed' | 'failed' | 'cancelled';

/**
 * One import (xero.import-requested.v1) as xero-sync pages it; _id: the import id. The pages it
 * fetched are documents of their own (import_pages): the last of them is where paging resumes.
 */
export interface ImportJobDoc extends StoredDoc, OutboxFields {
  retailerId: string;
  dryRun: boolean;
  matchBy: MatchBy[];
  status: ImportJobStatus;
  requestedAt: Date;
  /** Pages published (set when the job ends). */
  pages?: number;
  /** Why paging failed, readable by the retailer. */
  error?: string;
  endedAt?: Date;
}

/**
 * One fetched page of an import (_id: `<importId>:<page>`), with its xero.contacts-page.v1 (and,
 * on the last page, xero.import-finished.v1) in its outbox: recording the page and publishing it
 * are one write.
 */
export interface ImportPageDoc extends StoredDoc, OutboxFields {
  importId: string;
  retailerId: string;
  page: number;
  pageCount: number;
  contacts: number;
}

export const IMPORT_JOBS = 'import_jobs';
export const IMPORT_PAGES = 'import_pages';

const outboxFields = {
  outbox: { type: Schema.Types.Mixed, default: [] },
  outboxSeq: { type: Number, default: 0 },
  outboxAt: { type: Date, default: null },
  relayLock: { type: Schema.Types.Mixed },
};

export const ImportJobSchema = new Schema<ImportJobDoc>(
  {
    _id: { type: String, required: true },
    rev: { type: Number, required: true },
    retailerId: { type: String, required: true },
    dryRun: { type: Boolean, required: true },
    matchBy: { type: [String], default: [] },
    status: { type: String, required: true },
    requestedAt: { type: Date, required: true },
    pages: Number,
    error: String,
    endedAt: Date,
    ...outboxFields,
  },
  { collection: IMPORT_JOBS, timestamps: true, versionKey: false, minimize: false },
);
ImportJobSchema.index({ status: 1, retailerId: 1, requestedAt: 1 });
ImportJobSchema.index({ outboxAt: 1 });

export const ImportPageSchema = new Schema<ImportPageDoc>(
  {
    _id: { type: String, required: true },
    rev: { type: Number, required: true },
    importId: { type: String, required: true },
    retailerId: { type: String, required: true },
    page: { type: Number, required: true },
    pageCount: { type: Number, required: true },
    contacts: { type: Number, required: true },
    ...outboxFields,
  },
  { collection: IMPORT_PAGES, timestamps: true, versionKey: false, minimize: false },
);
ImportPageSchema.index({ importId: 1, page: -1 });
ImportPageSchema.index({ outboxAt: 1 });

export const ImportJobs = collectionOf<ImportJobDoc>(IMPORT_JOBS);
export const ImportPages = collectionOf<ImportPageDoc>(IMPORT_PAGES);
export const importJobRef = (importId: string) => docRef(ImportJobs, importId);
export const importPageRef = (importId: string, page: number) => docRef(ImportPages, `${importId}:${page}`);
