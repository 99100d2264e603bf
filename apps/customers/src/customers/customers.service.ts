import { Injectable } from '@nestjs/common';
import {
  CustomerFields,
  CustomerPatch,
  DomainError,
  MAPPED_FIELDS,
  MappedField,
  XeroLink,
  applyPatch,
  canPushNow,
  changedMappedFields,
  displayName,
  newXeroLink,
  normaliseFields,
  normaliseForSearch,
  onChangeRequested,
  onUnlinked,
  searchKeys,
  searchPrefixes,
  toSnapshot,
  validateCustomer,
} from '@pos/customers-domain';
import { ChangeReason, CustomerChanged, XeroStatus, buildEvent } from '@pos/sync-contracts';
import { randomUUID } from 'node:crypto';
import { newOutbox } from '@pos/persistence';
import { RequestContext } from '@pos/service-kit';
import { CustomerRepository, CustomerWrite, Mutation, notFound } from './customer.repository';
import { CustomerDoc, OnAccountSale, OutboxEntry } from './schemas/customer.schema';

function validated(fields: CustomerFields): CustomerFields {
  const r = validateCustomer(fields);
  if (!r.ok) throw r.error;
  return r.value;
}

function derived(id: string, fields: CustomerFields) {
  const code = normaliseForSearch(fields.customerCode);
  return {
    searchKeys: searchKeys(fields),
    // \u0001 sorts before any character a name may hold (control characters are refused); not \u0000,
    // which PostgreSQL's jsonb (FerretDB's PostgreSQL backend) cannot store.
    sortName: `${normaliseForSearch(displayName(fields))}\u0001${id}`,
    codeKey: code ? code : `~${id}`,
  };
}

/** The `customer.changed.v1` outbox entry for a customer at `version` with `fields`. */
export function changeEvent(
  doc: Pick<CustomerDoc, '_id' | 'retailerId' | 'xero'>,
  version: number,
  fields: CustomerFields,
  reason: ChangeReason,
  changedFields: readonly MappedField[],
): OutboxEntry {
  const body = buildEvent(CustomerChanged, doc.retailerId, {
    customerId: doc._id,
    customerVersion: version,
    reason,
    changedFields: [...changedFields],
    snapshot: toSnapshot(doc._id, fields),
    ...(doc.xero.contactId ? { xeroContactId: doc.xero.contactId } : {}),
  });
  return {
    eventId: body.eventId,
    routingKey: CustomerChanged.routingKey,
    body: body as unknown as Record<string, unknown>,
    correlationId: RequestContext.correlationId(),
    createdAt: new Date(),
  };
}

@Injectable()
export class CustomersService {
  constructor(private readonly repo: CustomerRepository) {}

  async create(retailerId: string, input: CustomerFields | CustomerPatch): Promise<CustomerDoc> {
    const fields = validated(normaliseFields(input));
    const id = randomUUID();
    const xero = newXeroLink();
    const changed = MAPPED_FIELDS.filter((f) => fields[f] !== undefined);
    const skeleton = { _id: id, retailerId, xero };
    return this.repo.insert(id, {
      retailerId,
      xero,
      version: 1,
      fields,
      ...derived(id, fields),
      ...newOutbox([changeEvent(skeleton, 1, fields, 'created', changed)]),
      sales: [],
      onAccountTotal: 0,
      deletedAt: null,
    });
  }

  /**
   * A customer made from a Xero contact (Import from Xero), under an id the caller chose: already
   * linked and synced, so nothing is published; later edits push as usual. Validated like any other.
   */
  async createLinked(retailerId: string, id: string, input: CustomerFields, xero: XeroLink): Promise<CustomerDoc> {
    const fields = validated(normaliseFields(input));
    return this.repo.insert(id, {
      retailerId,
      version: 1,
      fields,
      ...derived(id, fields),
      xero: { ...xero, requiredVersion: 1 },
      ...newOutbox(),
      sales: [],
      onAccountTotal: 0,
      deletedAt: null,
    });
  }

  async get(retailerId: string, id: string): Promise<CustomerDoc> {
    const doc = await this.repo.find(retailerId, id);
    if (!doc) throw notFound(id);
    return doc;
  }

  search(retailerId: string, q: { q?: string; xeroStatus?: XeroStatus; page: number; pageSize: number }) {
    const prefixes = q.q?.trim() ? searchPrefixes(q.q) : undefined;
    return this.repo.search(retailerId, { prefixes, xeroStatus: q.xeroStatus, page: q.page, pageSize: q.pageSize });
  }

  /**
   * Applies a partial update. Only a change to a mapped field asks for a push (of those fields);
   * a note-only edit bumps the version and publishes nothing; an edit that changes nothing writes nothing.
   */
  update(retailerId: string, id: string, patch: CustomerPatch, ifMatch?: number): Promise<CustomerDoc> {
    return this.mutate(retailerId, id, (doc) => {
      checkVersion(doc, ifMatch);
      const fields = validated(applyPatch(doc.fields, patch));
      const changed = changedMappedFields(doc.fields, fields);
      if (!changed.length && (fields.note ?? '') === (doc.fields.note ?? '')) return 'unchanged';
      const version = doc.version + 1;
      const set: CustomerWrite['set'] = { version, fields, ...derived(id, fields) };
      if (!changed.length) return { set };
      set.xero = onChangeRequested(doc.xero, changed, false, version);
      return { set, event: changeEvent(doc, version, fields, 'updated', changed) };
    });
  }

  /** Soft delete: the customer disappears from the API and frees its customer code. */
  async remove(retailerId: string, id: string, ifMatch?: number): Promise<void> {
    await this.mutate(retailerId, id, (doc) => {
      checkVersion(doc, ifMatch);
      return { set: { deletedAt: new Date(), codeKey: `~deleted~${id}`, searchKeys: [] } };
    });
  }

  /** Records a sale on account and asks for a full push (creating the Xero contact when unlinked). */
  async recordOnAccountSale(retailerId: string, id: string, amount: number, reference: string): Promise<OnAccountSale> {
    const sale: OnAccountSale = { id: randomUUID(), amount, reference, at: new Date() };
    await this.mutate(retailerId, id, (doc) => this.fullPush(doc, 'on_account_sale', sale));
    return sale;
  }

  /**
   * "Click the red icon": push the whole customer now (creating the contact when unlinked). A
   * customer Xero already holds, with no edits made in Xero to overwrite, has nothing to push.
   */
  requestPush(retailerId: string, id: string): Promise<CustomerDoc> {
    return this.mutate(retailerId, id, (doc) => {
      if (!canPushNow(doc.xero)) {
        throw new DomainError('CUSTOMER.NOTHING_TO_PUSH', 'Xero already has the latest version of this customer', {
          status: doc.xero.status,
        });
      }
      return this.fullPush(doc, 'manual_push');
    });
  }

  /**
   * Unlink from Xero (the fix for a contact archived in Xero): the customer's link is cleared and a
   * full push is asked for with reason `unlinked`, so xero-sync forgets the contact and creates a new one.
   */
  unlink(retailerId: string, id: string): Promise<CustomerDoc> {
    return this.mutate(retailerId, id, (doc) => {
      if (!doc.xero.contactId) throw new DomainError('CUSTOMER.NOT_LINKED', 'this customer is not linked to a Xero contact', { status: doc.xero.status });
      const xero = onUnlinked(doc.xero, doc.version);
      return {
        set: { xero },
        event: changeEvent({ ...doc, xero }, doc.version, doc.fields, 'unlinked', MAPPED_FIELDS),
      };
    });
  }

  private fullPush(doc: CustomerDoc, reason: ChangeReason, sale?: OnAccountSale): CustomerWrite {
    return {
      set: { xero: onChangeRequested(doc.xero, MAPPED_FIELDS, true, doc.version) },
      event: changeEvent(doc, doc.version, doc.fields, reason, MAPPED_FIELDS),
      sale,
    };
  }

  /**
   * Read, decide, write if nobody else wrote, else decide again on the fresh customer: every rule is
   * applied to the latest state without multi-document transactions (DocumentWrites knows how).
   */
  mutate(retailerId: string, id: string, decide: (doc: CustomerDoc) => Mutation): Promise<CustomerDoc> {
    return this.repo.update(retailerId, id, decide);
  }
}

function checkVersion(doc: CustomerDoc, ifMatch: number | undefined): void {
  if (ifMatch !== undefined && ifMatch !== doc.version) {
    throw new DomainError('CUSTOMER.VERSION_MISMATCH', `customer is at version ${doc.version}, not ${ifMatch}`, {
      currentVersion: doc.version,
    });
  }
}
