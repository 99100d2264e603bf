import { Injectable, OnModuleInit } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { DomainError } from '@pos/customers-domain';
import { Change, DocumentWrites, DuplicateKey, NewDoc, UNCHANGED, appendToOutbox } from '@pos/persistence';
import { XeroStatus } from '@pos/sync-contracts';
import { FilterQuery, Model } from 'mongoose';
import { CUSTOMERS, CustomerDoc, OnAccountSale, OutboxEntry, customerRef } from './schemas/customer.schema';

export interface CustomerWrite {
  set: Partial<Pick<CustomerDoc, 'version' | 'fields' | 'searchKeys' | 'sortName' | 'codeKey' | 'xero' | 'deletedAt'>> & {
    appliedEventIds?: string[];
  };
  /** Appended to the outbox in the same single-document write as the change. */
  event?: OutboxEntry;
  sale?: OnAccountSale;
}

/** What a rule wants written, worked out from the document as read. */
export type Mutation = CustomerWrite | 'unchanged';

export interface CustomerSearch {
  prefixes?: string[];
  xeroStatus?: XeroStatus;
  page: number;
  pageSize: number;
}

const SALES_KEPT = 50;

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The single-document change that applies `w` to `doc` (the state change and its event together). */
function toChange(doc: CustomerDoc, w: CustomerWrite): Change<CustomerDoc> {
  const change: Change<CustomerDoc> = { ...w.set };
  if (w.event) Object.assign(change, appendToOutbox(doc, w.event));
  if (w.sale) {
    // Written whole rather than `$push` with `$slice`, which FerretDB ignores.
    change.sales = [...(doc.sales ?? []), w.sale].slice(-SALES_KEPT);
    change.onAccountTotal = (doc.onAccountTotal ?? 0) + w.sale.amount;
  }
  return change;
}

/** Customers in MongoDB. Every write is one document, through DocumentWrites. */
@Injectable()
export class CustomerRepository implements OnModuleInit {
  constructor(
    @InjectModel(CUSTOMERS) private readonly model: Model<CustomerDoc>,
    private readonly writes: DocumentWrites,
  ) {}

  /** The unique customer-code index must exist before the first write, or a duplicate could slip in. */
  async onModuleInit() {
    await this.model.init();
  }

  async insert(id: string, doc: NewDoc<CustomerDoc>): Promise<CustomerDoc> {
    try {
      return await this.writes.create(customerRef(id), doc);
    } catch (err) {
      if (err instanceof DuplicateKey) throw codeTaken(doc.fields.customerCode);
      throw err;
    }
  }

  /**
   * The retailer's customer, unless deleted. Looked up by `_id` alone and checked here: that is the
   * one filter every MongoDB-compatible server answers from an index (FerretDB 1.x scans otherwise).
   */
  async find(retailerId: string, id: string): Promise<CustomerDoc | null> {
    const doc = await this.model.findById(id).lean<CustomerDoc>().exec();
    return visible(doc, retailerId) ? doc : null;
  }

  /**
   * Read, let `decide` work out the change from the customer as it is, write it if nobody wrote
   * meanwhile, else decide again (DocumentWrites). A missing, deleted or other retailer's customer is
   * CUSTOMER.NOT_FOUND; a customer code another customer holds is CUSTOMER.CODE_TAKEN.
   */
  async update(retailerId: string, id: string, decide: (doc: CustomerDoc) => Mutation): Promise<CustomerDoc> {
    let wanted: CustomerWrite | undefined;
    try {
      return await this.writes.update(
        customerRef(id),
        (doc) => {
          if (!visible(doc, retailerId)) throw notFound(id);
          const m = decide(doc);
          wanted = m === UNCHANGED ? undefined : m;
          return wanted ? toChange(doc, wanted) : UNCHANGED;
        },
        { ifMissing: () => notFound(id) },
      );
    } catch (err) {
      if (err instanceof DuplicateKey) throw codeTaken(wanted?.set.fields?.customerCode);
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

function visible(doc: CustomerDoc | null, retailerId: string): doc is CustomerDoc {
  return !!doc && doc.retailerId === retailerId && !doc.deletedAt;
}

export function notFound(id: string): DomainError {
  return new DomainError('CUSTOMER.NOT_FOUND', `no customer ${id}`);
}

function codeTaken(code?: string): DomainError {
  return new DomainError('CUSTOMER.CODE_TAKEN', `customer code "${code ?? ''}" is already used by another customer`, {
    field: 'customerCode',
  });
}
