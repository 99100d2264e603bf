import { Injectable, Logger } from '@nestjs/common';
import {
  ContactDecision,
  DomainError,
  ImportedContact,
  MatchCandidate,
  MatchRule,
  claimOutcome,
  decideContact,
  displayName,
  importSource,
  importedLink,
  newXeroLink,
  normaliseFields,
  normaliseForSearch,
  undoImportedLink,
  validateCustomer,
} from '@pos/customers-domain';
import { RequestContext } from '@pos/service-kit';
import { newOutbox } from '@pos/persistence';
import {
  DEFAULT_MATCH_BY,
  EventDefinition,
  EventEnvelope,
  Payload,
  XeroContactsPageV1,
  XeroImportCancelled,
  XeroImportFinishedV1,
  XeroImportRequested,
  buildEvent,
} from '@pos/sync-contracts';
import { createHash, randomUUID } from 'node:crypto';
import { CustomersService } from '../customers/customers.service';
import { OutboxEntry } from '../customers/schemas/customer.schema';
import { RetailerDoc } from '../retailers/retailer.schema';
import { Candidate, ImportCandidatesReader } from './import-candidates.reader';
import { ImportRepository } from './import.repository';
import { ImportCounts, ImportJobDoc, ImportProblemDoc, NO_COUNTS, ProblemCustomer } from './schemas/import.schema';

/** Problems shown with an import (the counts cover every contact). */
export const PROBLEMS_SHOWN = 500;

/** A page that arrived before the one it follows was applied: retried later, so that pages apply in order. */
export class PageOutOfOrder extends Error {
  constructor(importId: string, page: number, pagesDone: number) {
    super(`import ${importId}: page ${page} arrived before page ${pagesDone + 1} was applied; retrying later`);
    this.name = 'PageOutOfOrder';
  }
}

function outboxEntry<P extends EventEnvelope>(def: EventDefinition<P>, retailerId: string, payload: Payload<P>): OutboxEntry {
  const body = buildEvent(def, retailerId, payload);
  return {
    eventId: body.eventId,
    routingKey: def.routingKey,
    body: body as unknown as Record<string, unknown>,
    correlationId: RequestContext.correlationId(),
    createdAt: new Date(),
  };
}

/**
 * The customer an import creates for a contact has an id derived from the retailer and the contact
 * (a UUID in the version-5 layout), so a page replayed after a crash finds it instead of creating a second one.
 */
export function importedCustomerId(retailerId: string, xeroContactId: string): string {
  const h = createHash('sha256').update(`xero-contact:${retailerId}:${xeroContactId}`).digest();
  h[6] = (h[6] & 0x0f) | 0x50;
  h[8] = (h[8] & 0x3f) | 0x80;
  const x = h.subarray(0, 16).toString('hex');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
}

function problemCustomer(c: MatchCandidate): ProblemCustomer {
  return {
    id: c.id,
    name: displayName(c.fields),
    ...(c.fields.email ? { email: c.fields.email } : {}),
    ...(c.fields.customerCode ? { customerCode: c.fields.customerCode } : {}),
    ...(c.xeroContactId ? { xeroContactId: c.xeroContactId } : {}),
  };
}

const SKIP_COUNT = { archived: 'skippedArchived', supplier_only: 'skippedSupplierOnly', already_linked: 'skippedAlreadyLinked' } as const;

/** What applying one page adds to the job's counts, and what it needs to know along the way. */
interface PageRun {
  job: ImportJobDoc;
  page: number;
  source: string;
  counts: ImportCounts;
  candidates: Candidate[];
  byContact: Map<string, Candidate>;
  /** Contacts of this page counted as linked (a later double claim moves them to ambiguous). */
  linkedHere: Set<string>;
}

/**
 * Import from Xero on the customers side (DESIGN §3.4): the job, one per retailer at a time; the
 * request to xero-sync through the job's own outbox; and each page of contacts applied in order
 * and idempotently. Every write is a single-document write: the job's counts move only with the
 * "page applied" mark, so a page replayed after a crash re-derives the same outcomes (its customer
 * writes are no-ops the second time) and counts once.
 */
@Injectable()
export class ImportsService {
  private readonly logger = new Logger(ImportsService.name);
  /** Pages and the end of one import are applied one at a time, in arrival order, in this process. */
  private readonly chains = new Map<string, Promise<unknown>>();

  constructor(
    private readonly repo: ImportRepository,
    private readonly customers: CustomersService,
    private readonly reader: ImportCandidatesReader,
  ) {}

  async start(retailer: RetailerDoc, input: { dryRun?: boolean; matchBy?: MatchRule[] }): Promise<ImportJobDoc> {
    if (retailer.xeroConnection?.status !== 'connected') {
      throw new DomainError('XERO.NOT_CONNECTED', 'not connected: connect a Xero organisation first (GET /api/xero/connect)', {
        connection: retailer.xeroConnection?.status ?? 'disconnected',
      });
    }
    const dryRun = input.dryRun ?? false;
    const matchBy = input.matchBy ?? [...DEFAULT_MATCH_BY];
    const { started, running } = await this.repo.startIfIdle(retailer._id, () => {
      const id = randomUUID();
      const event = outboxEntry(XeroImportRequested, retailer._id, { importId: id, dryRun, matchBy });
      return {
        _id: id,
        retailerId: retailer._id,
        status: 'queued',
        dryRun,
        matchBy,
        pagesDone: 0,
        pageCount: null,
        counts: { ...NO_COUNTS },
        pagesIgnored: [],
        finished: null,
        startedAt: null,
        endedAt: null,
        cancelledAt: null,
        ...newOutbox([event]),
      };
    });
    if (running) {
      throw new DomainError('IMPORT.ALREADY_RUNNING', `import ${running.id} is still ${running.status}; wait for it or cancel it`, {
        importId: running.id,
      });
    }
    return started as ImportJobDoc;
  }

  async get(retailerId: string, id: string): Promise<{ job: ImportJobDoc; problems: ImportProblemDoc[] }> {
    const job = await this.repo.findJob(id);
    if (!job || job.retailerId !== retailerId) throw notFound(id);
    return { job, problems: await this.repo.problems(id, PROBLEMS_SHOWN) };
  }

  list(retailerId: string, page: number, pageSize: number) {
    return this.repo.list(retailerId, page, pageSize);
  }

  /** Cancels a queued or running import: pages arriving later are ignored; what it applied stays. */
  async cancel(retailerId: string, id: string): Promise<ImportJobDoc> {
    const job = await this.repo.findJob(id);
    if (!job || job.retailerId !== retailerId) throw notFound(id);
    const written = await this.repo.updateJob(id, (j) => {
      if (j.status === 'cancelled') return 'unchanged';
      if (j.status === 'completed' || j.status === 'failed') {
        throw new DomainError('IMPORT.FINISHED', `import ${id} has already ${j.status}`, { status: j.status });
      }
      const now = new Date();
      return {
        set: { status: 'cancelled', cancelledAt: now, endedAt: now },
        event: outboxEntry(XeroImportCancelled, j.retailerId, { importId: id }),
      };
    });
    if (!written) throw notFound(id);
    return written;
  }

  /** `xero.contacts-page.v1`: applies the page once, after the pages before it. */
  applyPage(e: XeroContactsPageV1): Promise<void> {
    return this.serialised(e.importId, () => this.applyPageNow(e));
  }

  /** `xero.import-finished.v1`: the import completes once every page xero-sync published is applied. */
  finish(e: XeroImportFinishedV1): Promise<void> {
    return this.serialised(e.importId, async () => {
      const job = await this.repo.findJob(e.importId);
      if (!job || job.retailerId !== e.retailerId) {
        this.logger.warn(`${e.type} for unknown import ${e.importId}; dropped`);
        return;
      }
      await this.repo.updateJob(job._id, (j) => {
        if (j.finished || j.status === 'completed' || j.status === 'failed') return 'unchanged';
        const finished = { status: e.status, pages: e.pages, at: e.occurredAt, ...(e.error ? { error: e.error } : {}) };
        if (j.status === 'cancelled') return { set: { finished } };
        const now = new Date();
        if (e.status === 'failed') return { set: { finished, status: 'failed', endedAt: now } };
        if (j.pagesDone >= e.pages) return { set: { finished, status: 'completed', pageCount: e.pages, endedAt: now } };
        return { set: { finished } };
      });
    });
  }

  private serialised<T>(importId: string, fn: () => Promise<T>): Promise<T> {
    const previous = this.chains.get(importId) ?? Promise.resolve();
    const next = previous.catch(() => undefined).then(fn);
    this.chains.set(importId, next);
    const cleanup = () => {
      if (this.chains.get(importId) === next) this.chains.delete(importId);
    };
    next.then(cleanup, cleanup);
    return next;
  }

  private async applyPageNow(e: XeroContactsPageV1): Promise<void> {
    const job = await this.repo.findJob(e.importId);
    if (!job || job.retailerId !== e.retailerId) {
      this.logger.warn(`${e.type} for unknown import ${e.importId}; dropped`);
      return;
    }
    if (job.status === 'cancelled') {
      await this.repo.updateJob(job._id, (j) =>
        e.page <= j.pagesDone || j.pagesIgnored.includes(e.page) ? 'unchanged' : { set: { pagesIgnored: [...j.pagesIgnored, e.page] } },
      );
      return;
    }
    if (job.status === 'completed' || job.status === 'failed' || e.page <= job.pagesDone) return; // applied already
    if (e.page > job.pagesDone + 1) throw new PageOutOfOrder(job._id, e.page, job.pagesDone);

    const run: PageRun = {
      job,
      page: e.page,
      source: importSource(job._id),
      counts: { ...NO_COUNTS },
      candidates: await this.reader.forPage(job.retailerId, e.contacts),
      byContact: new Map(),
      linkedHere: new Set(),
    };
    for (const c of run.candidates) if (c.xeroContactId) run.byContact.set(c.xeroContactId, c);
    for (const contact of e.contacts) await this.applyContact(run, contact);

    await this.repo.updateJob(job._id, (j) => {
      if (j.pagesDone >= e.page) return 'unchanged';
      const counts = addCounts(j.counts, run.counts);
      const keep = j.status === 'cancelled' || j.status === 'failed';
      const completes = j.finished?.status === 'completed' && e.page >= j.finished.pages;
      const now = new Date();
      return {
        set: {
          pagesDone: e.page,
          pageCount: Math.max(e.pageCount, e.page),
          counts,
          status: keep ? j.status : completes ? 'completed' : 'running',
          startedAt: j.startedAt ?? now,
          ...(completes && !keep ? { endedAt: now } : {}),
        },
      };
    });
  }

  private async applyContact(run: PageRun, contact: ImportedContact): Promise<void> {
    run.counts.seen++;
    const d = decideContact(contact, {
      source: run.source,
      linked: run.byContact.get(contact.xeroContactId),
      candidates: run.candidates,
      matchBy: run.job.matchBy,
    });
    switch (d.outcome) {
      case 'skipped':
        run.counts[SKIP_COUNT[d.reason]]++;
        return;
      case 'ambiguous':
        run.counts.ambiguous++;
        return this.problem(run, contact, 'ambiguous', d.reason, ambiguityMessage(d), d.customers.map(problemCustomer), { rule: d.rule });
      case 'created':
        return this.create(run, contact);
      case 'linked':
        return this.link(run, contact, d);
    }
  }

  private async create(run: PageRun, contact: ImportedContact): Promise<void> {
    if (run.byContact.get(contact.xeroContactId)) {
      run.counts.created++; // created by this import before a crash: counted again, not made again
      return;
    }
    const fields = normaliseFields(contact.fields);
    const valid = validateCustomer(fields);
    if (!valid.ok) return this.refuse(run, contact, valid.error);
    const code = normaliseForSearch(fields.customerCode);
    if (code) {
      // The code is unique among the retailer's customers: a customer holding it already, or a
      // contact of this import met earlier with the same AccountNumber, makes the POS refuse it.
      const holder = run.candidates.find((c) => c.codeKey === code && !(c.xeroContactId === contact.xeroContactId));
      const claimants = await this.repo.claim(run.job._id, `code:${code}`, contact, run.page);
      if (holder || claimants[0].contactId !== contact.xeroContactId) {
        return this.refuse(run, contact, codeTaken(fields.customerCode as string), holder ? [problemCustomer(holder)] : []);
      }
    }
    if (!run.job.dryRun) {
      const id = importedCustomerId(run.job.retailerId, contact.xeroContactId);
      const xero = importedLink(newXeroLink(), { contactId: contact.xeroContactId, version: 1, source: run.source, reason: 'created', at: new Date().toISOString() });
      try {
        await this.customers.createLinked(run.job.retailerId, id, fields, xero);
      } catch (err) {
        const existing = await this.customers.get(run.job.retailerId, id).catch(() => undefined);
        if (existing?.xero.contactId !== contact.xeroContactId) {
          if (err instanceof DomainError) return this.refuse(run, contact, err);
          throw err;
        }
      }
    }
    run.counts.created++;
  }

  private async link(run: PageRun, contact: ImportedContact, d: Extract<ContactDecision, { outcome: 'linked' }>): Promise<void> {
    const customer = run.candidates.find((c) => c.id === d.customerId) as Candidate;
    const claimants = await this.repo.claim(run.job._id, d.customerId, contact, run.page);
    if (claimOutcome(claimants.map((c) => c.contactId), contact.xeroContactId) === 'ambiguous') {
      return this.doubleClaim(run, contact, customer, claimants, d.rule);
    }
    if (!run.job.dryRun && customer.xeroContactId !== contact.xeroContactId) {
      const linked = await this.customers
        .mutate(run.job.retailerId, d.customerId, (doc) => {
          if (doc.xero.contactId) return 'unchanged'; // linked meanwhile: not relinked
          const at = new Date().toISOString();
          const xero = importedLink(doc.xero, { contactId: contact.xeroContactId, version: doc.version, source: run.source, reason: 'linked', rule: d.rule, at });
          return { set: { xero: { ...xero, requiredVersion: doc.version } } };
        })
        .catch((err: unknown) => {
          if (err instanceof DomainError) return undefined;
          throw err;
        });
      if (!linked) return this.refuse(run, contact, new DomainError('CUSTOMER.NOT_FOUND', `POS customer ${d.customerId} was deleted during the import`));
      if (linked.xero.contactId !== contact.xeroContactId) {
        run.counts.ambiguous++;
        const c = { ...customer, xeroContactId: linked.xero.contactId };
        return this.problem(run, contact, 'ambiguous', 'customer_linked_elsewhere', ambiguityMessage({ reason: 'customer_linked_elsewhere', rule: d.rule, customers: [c] }), [problemCustomer(c)], { rule: d.rule });
      }
    }
    customer.xeroContactId = contact.xeroContactId;
    customer.linkedBy = { reason: 'linked', source: run.source, rule: d.rule, at: new Date().toISOString() };
    run.byContact.set(contact.xeroContactId, customer);
    run.linkedHere.add(contact.xeroContactId);
    run.counts.linked++;
  }

  /**
   * Two or more contacts of this import match one POS customer: every one of them is ambiguous and
   * the customer is left unlinked (the link the first one made, if any, is undone). The first
   * claimant was counted as linked when it was alone (on an earlier page, or earlier on this one);
   * the second claimant moves it to ambiguous. On a replay the first claimant already sees the
   * double claim and counts itself ambiguous.
   */
  private async doubleClaim(
    run: PageRun,
    contact: ImportedContact,
    customer: Candidate,
    claimants: { contactId: string; page: number; contact: ImportedContact }[],
    rule: MatchRule,
  ): Promise<void> {
    const [first] = claimants;
    if (!run.job.dryRun) {
      await this.customers
        .mutate(run.job.retailerId, customer.id, (doc) => {
          const undone = undoImportedLink(doc.xero, first.contactId, run.source);
          return undone ? { set: { xero: { ...undone, requiredVersion: doc.xero.requiredVersion } } } : 'unchanged';
        })
        .catch((err: unknown) => {
          if (!(err instanceof DomainError)) throw err;
        });
    }
    if (customer.xeroContactId === first.contactId && customer.linkedBy?.source === run.source) {
      customer.xeroContactId = undefined;
      customer.linkedBy = undefined;
      run.byContact.delete(first.contactId);
    }
    const shown = { ...customer, xeroContactId: undefined };
    const message = ambiguityMessage({ reason: 'contacts_share_customer', rule, customers: [shown], others: claimants.length - 1 });
    const others = (self: string) =>
      claimants.filter((c) => c.contactId !== self).map((c) => ({ xeroContactId: c.contactId, name: c.contact.name, emailAddress: c.contact.emailAddress }));
    const index = claimants.findIndex((c) => c.contactId === contact.xeroContactId);
    if (index === 1 && (first.page < run.page || run.linkedHere.has(first.contactId))) {
      run.counts.linked--;
      run.counts.ambiguous++;
      run.linkedHere.delete(first.contactId);
    }
    if (index >= 1) {
      await this.saveProblem(run, first.contact, first.page, 'ambiguous', 'contacts_share_customer', message, [problemCustomer(shown)], {
        rule,
        otherContacts: others(first.contactId),
      });
    }
    run.counts.ambiguous++;
    await this.problem(run, contact, 'ambiguous', 'contacts_share_customer', message, [problemCustomer(shown)], { rule, otherContacts: others(contact.xeroContactId) });
  }

  private refuse(run: PageRun, contact: ImportedContact, err: DomainError, customers: ProblemCustomer[] = []): Promise<void> {
    run.counts.refused++;
    return this.problem(run, contact, 'refused', err.code, `the POS refused this contact: ${err.message}`, customers, {});
  }

  private problem(
    run: PageRun,
    contact: ImportedContact,
    kind: ImportProblemDoc['kind'],
    reason: string,
    message: string,
    customers: ProblemCustomer[],
    extra: Pick<ImportProblemDoc, 'rule' | 'otherContacts'>,
  ): Promise<void> {
    return this.saveProblem(run, contact, run.page, kind, reason, message, customers, extra);
  }

  private saveProblem(
    run: PageRun,
    contact: ImportedContact,
    page: number,
    kind: ImportProblemDoc['kind'],
    reason: string,
    message: string,
    customers: ProblemCustomer[],
    extra: Pick<ImportProblemDoc, 'rule' | 'otherContacts'>,
  ): Promise<void> {
    return this.repo.saveProblem({
      importId: run.job._id,
      page,
      kind,
      reason,
      message,
      contact,
      customers,
      ...(extra.rule ? { rule: extra.rule } : {}),
      ...(extra.otherContacts ? { otherContacts: extra.otherContacts } : {}),
      at: new Date(),
    });
  }
}

function addCounts(a: ImportCounts, b: ImportCounts): ImportCounts {
  const out = { ...NO_COUNTS };
  for (const k of Object.keys(NO_COUNTS) as (keyof ImportCounts)[]) out[k] = (a[k] ?? 0) + b[k];
  return out;
}

function ambiguityMessage(d: { reason: string; rule: MatchRule; customers: MatchCandidate[]; others?: number }): string {
  const names = d.customers.map((c) => `"${displayName(c.fields)}"`).join(', ');
  switch (d.reason) {
    case 'several_customers':
      return `matches ${d.customers.length} POS customers by ${d.rule} (${names}); none was linked: link the right one by hand or tell them apart`;
    case 'customer_linked_elsewhere':
      return `matches POS customer ${names} by ${d.rule}, which is linked to another Xero contact (${d.customers[0].xeroContactId}); it was not relinked`;
    default:
      return `this contact and ${d.others} other Xero contact(s) in the import match POS customer ${names} by ${d.rule}; none was linked (merge the contacts in Xero, or link one by hand)`;
  }
}

function codeTaken(code: string): DomainError {
  return new DomainError('CUSTOMER.CODE_TAKEN', `customer code "${code}" is already used by another customer`, { field: 'customerCode' });
}

function notFound(id: string): DomainError {
  return new DomainError('IMPORT.NOT_FOUND', `no import ${id}`);
}
