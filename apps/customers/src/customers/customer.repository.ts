import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { DomainError, XeroStatus } from '@pos/customers-domain';
import { FilterQuery, Model, UpdateQuery } from 'mongoose';
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

function isDuplicateKey(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: number }).code === 11000;
}

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Customers in MongoDB. Every write is one document, compare-and-set on `rev`. */
@Injectable()
export class CustomerRepository {
  constructor(@InjectModel(CUSTOMERS) private readonly model: Model<CustomerDoc>) {}

  async insert(doc: Omit<CustomerDoc, 'createdAt' | 'updatedAt'>): Promise<CustomerDoc> {
    try {
      const created = await this.model.create(doc);
      return created.toObject() as CustomerDoc;
    } catch (err) {
      if (isDuplicateKey(err)) throw codeTaken(doc.fields.customerCode);
      throw err;
    }
  }

  async find(retailerId: string, id: string): Promise<CustomerDoc | null> {
    return this.model.findOne({ _id: id, retailerId, deletedAt: null }).lean<CustomerDoc>().exec();
  }

  /** Applies `w` if nobody wrote the document since `doc` was read; false means read again and retry. */
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
      update.$push = { ...(update.$push as object), sales: { $each: [w.sale], $slice: -SALES_KEPT } };
      (update.$inc as Record<string, number>).onAccountTotal = w.sale.amount;
    }
    try {
      return await this.model
        .findOneAndUpdate({ _id: doc._id, rev: doc.rev }, update, { new: true })
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
