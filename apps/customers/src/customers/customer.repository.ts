import { Injectable, OnModuleInit } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { DomainError } from '@pos/customers-domain';
import { XeroStatus } from '@pos/sync-contracts';
import { FilterQuery, Model, UpdateQuery } from 'mongoose';
import { DocumentLocks } from '@pos/service-kit';
import { CUSTOMERS, CustomerDoc, OnAccountSale, OutboxEntry } from './schemas/customer.schema';

export interface CustomerWrite {
  set: Partial<Pick<CustomerDoc, 'version' | 'fields' | 'searchKeys' | 'sortName' | 'codeKey' | 'xero' | 'deletedAt'>> & {
    appliedEventIds?: string[];
  };
  /** Appended to the outbox in the same single-document write as the change. */
  event?: OutboxEntry;
  sale?: OnAccountSale;
}

export interface CustomerSearch {
  prefixes?: string[];
  xeroStatus?: XeroStatus;
  page: number;
  pageSize: number;
}

const SALES_KEPT = 50;

/**
 * A unique index refused the write. MongoDB says E11000; FerretDB (SQLite) does so on insert but
 * answers an update with InternalError "UNIQUE constraint failed".
 */
function isDuplicateKey(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false;
  const e = err as { code?: number; message?: string };
  return e.code === 11000 || /E11000|UNIQUE constraint failed/.test(e.message ?? '');
}

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Customers in MongoDB. Every write is one document, compare-and-set on `rev`. */
@Injectable()
export class CustomerRepository implements OnModuleInit {
  constructor(
    @InjectModel(CUSTOMERS) private readonly model: Model<CustomerDoc>,
    private readonly locks: DocumentLocks,
  ) {}

  /** The unique customer-code index must exist before the first write, or a duplicate could slip in. */
  async onModuleInit() {
    await this.model.init();
  }

  async insert(doc: Omit<CustomerDoc, 'createdAt' | 'updatedAt'>): Promise<CustomerDoc> {
    try {
      const created = await this.model.create(doc);
      return created.toObject() as CustomerDoc;
    } catch (err) {
      if (isDuplicateKey(err)) throw codeTaken(doc.fields.customerCode);
      throw err;
    }
  }

  /**
   * The retailer's customer, unless deleted. Looked up by `_id` alone and checked here: that is the
   * one filter every MongoDB-compatible server answers from an index (FerretDB 1.x scans otherwise).
   */
  async find(retailerId: string, id: string): Promise<CustomerDoc | null> {
    const doc = await this.model.findById(id).lean<CustomerDoc>().exec();
    return doc && doc.retailerId === retailerId && !doc.deletedAt ? doc : null;
  }

  /**
   * Applies `w` if nobody wrote the document since `doc` was read (null: read again and retry).
   * The caller holds the customer's DocumentLocks lock.
   */
  async write(doc: CustomerDoc, w: CustomerWrite): Promise<CustomerDoc | null> {
    const update: UpdateQuery<CustomerDoc> & Record<string, unknown> = {
      $set: { ...w.set, updatedAt: new Date() },
      $inc: { rev: 1 },
    };
    if (w.event) {
      update.$push = { outbox: w.event };
      update.$inc = { rev: 1, outboxSeq: 1 };
      // outboxAt is the age of the backlog; keep the oldest entry's time when one is already waiting.
      (update.$set as Record<string, unknown>).outboxAt = doc.outboxAt ?? w.event.createdAt;
    }
    if (w.sale) {
      // Written whole rather than `$push` with `$slice`, which FerretDB ignores; safe under the `rev` compare-and-set.
      (update.$set as Record<string, unknown>).sales = [...(doc.sales ?? []), w.sale].slice(-SALES_KEPT);
      (update.$inc as Record<string, number>).onAccountTotal = w.sale.amount;
    }
    try {
      return await this.model
        .findOneAndUpdate(this.locks.conditional(doc._id, { rev: doc.rev }), update, { new: true })
        .lean<CustomerDoc>()
        .exec();
    } catch (err) {
      if (isDuplicateKey(err)) throw codeTaken(w.set.fields?.customerCode);
      throw err;
    }
  }

  async search(retailerId: string, s: CustomerSearch): Promise<{ items: CustomerDoc[]; total: number }> {
    const filter: FilterQuery<CustomerDoc> = { retailerId, deletedAt: null };
    if (s.prefixes?.length) {
      filter.searchKeys = { $in: s.prefixes.map((p) => new RegExp(`^${escapeRegex(p)}`)) };
    }
    if (s.xeroStatus) filter['xero.status'] = s.xeroStatus;
    const [items, total] = await Promise.all([
      this.model
        .find(filter, { outbox: 0, sales: 0 })
        .sort({ sortName: 1, _id: 1 })
        .skip((s.page - 1) * s.pageSize)
        .limit(s.pageSize)
        .lean<CustomerDoc[]>()
        .exec(),
      this.model.countDocuments(filter).exec(),
    ]);
    return { items, total };
  }
}

function codeTaken(code?: string): DomainError {
  return new DomainError('CUSTOMER.CODE_TAKEN', `customer code "${code ?? ''}" is already used by another customer`, {
    field: 'customerCode',
  });
}
