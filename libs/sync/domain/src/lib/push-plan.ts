import { CustomerSnapshot, MappedField, XeroContact, toXeroContact } from '@pos/customers-domain';
import { ALL_MAPPED, LedgerEntry, contactNumberOf, remember, sameValue } from './ledger';
import { SyncError, elementError } from './xero-errors';

/** Xero advises about 50 contacts per request. */
export const BATCH_SIZE = 50;

/**
 * What the pusher does next for one customer:
 * - `idle`: nothing to do (Xero has everything, or the customer is not linked and no full push was asked);
 * - `report`: nothing differs from what Xero last received, but the POS waits for a result for this version;
 * - `lookup`: the customer has no contact yet: look its ContactNumber up in Xero before creating one;
 * - `push`: send `contact` (the changed fields only, or everything for a full push or a first link).
 */
export type PushPlan =
  | { kind: 'idle' }
  | { kind: 'report'; customerId: string; version: number }
  | { kind: 'lookup'; customerId: string; version: number; contactNumber: string }
  | {
      kind: 'push';
      customerId: string;
      version: number;
      fields: MappedField[];
      snapshot: CustomerSnapshot;
      /** Set when updating an existing contact; absent when creating one (matched back by ContactNumber). */
      contactId?: string;
      contact: XeroContact;
    };

export type PushOp = Extract<PushPlan, { kind: 'push' }>;

/**
 * Decides what to send for one ledger entry. `lookup` is the answer of the ContactNumber look-up
 * for an entry without a contact: the id of the contact found (adopt it), or `null` when Xero has
 * none (create it). A full push (on-account sale, push now) and a first link send every mapped
 * field; otherwise the pending fields whose value differs from what Xero last received.
 */
export function planPush(entry: LedgerEntry, lookup?: string | null): PushPlan {
  if (entry.heldByFailure) return { kind: 'idle' };
  const version = entry.desiredVersion;
  const full = (entry.fullPushVersion ?? 0) > 0;
  const contactId = entry.xeroContactId ?? (typeof lookup === 'string' ? lookup : undefined);
  if (!contactId) {
    if (!full) return { kind: 'idle' };
    if (lookup === undefined) return { kind: 'lookup', customerId: entry.customerId, version, contactNumber: contactNumberOf(entry) };
  }
  // a first link: nothing of ours has reached this contact yet (created, adopted, or linked by an import)
  const firstLink = !entry.xeroContactId || Object.keys(entry.sent).length === 0;
  const fields = full || firstLink ? [...ALL_MAPPED] : entry.pendingFields.filter((f) => differsFromSent(entry, f));
  if (!fields.length) {
    if ((entry.reportedVersion ?? 0) >= version) return { kind: 'idle' };
    return { kind: 'report', customerId: entry.customerId, version };
  }
  const contact = toXeroContact(entry.desired, { fields, contactId });
  // adopting or creating: the stable key travels too (not to a merge's surviving contact: it keeps its own number)
  if (firstLink && !entry.relinkedFrom) contact.ContactNumber = contactNumberOf(entry);
  return { kind: 'push', customerId: entry.customerId, version, fields, snapshot: entry.desired, contactId, contact };
}

function differsFromSent(entry: LedgerEntry, f: MappedField): boolean {
  const sent = entry.sent[f];
  return !sent || !sameValue(sent.value, entry.desired[f]);
}

/** Splits work into requests of at most `size` items, keeping the order. */
export function batches<T>(items: readonly T[], size = BATCH_SIZE): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** The part of a returned Contacts element the pusher reads. */
export interface ContactElement {
  ContactID?: string;
  ContactNumber?: string;
  Name?: string;
  ContactStatus?: string;
  HasValidationErrors?: boolean;
  ValidationErrors?: { Message?: string }[];
}

export type ElementResult = { ok: true; contactId: string } | { ok: false; error: SyncError };

/**
 * Maps the elements of a `summarizeErrors=false` reply back to the operations of the request, by
 * ContactID for updates and ContactNumber for creates, never by name or position. An operation
 * whose element is missing gets no result (the caller retries it); one whose contact is archived in
 * Xero fails as `archived`, with how to restore it.
 */
export function matchElements(ops: readonly PushOp[], elements: readonly ContactElement[]): Map<PushOp, ElementResult> {
  const byId = new Map<string, ContactElement>();
  const byNumber = new Map<string, ContactElement>();
  for (const e of elements) {
    if (e.ContactID) byId.set(e.ContactID, e);
    if (e.ContactNumber) byNumber.set(e.ContactNumber, e);
  }
  const out = new Map<PushOp, ElementResult>();
  for (const op of ops) {
    const e = (op.contactId && byId.get(op.contactId)) || (op.contact.ContactNumber ? byNumber.get(op.contact.ContactNumber) : undefined);
    if (!e) continue;
    if (e.HasValidationErrors || e.ValidationErrors?.length || e.ContactStatus === 'ARCHIVED') {
      // an archived contact may take the update and stay archived: that is no success for the POS
      out.set(op, { ok: false, error: elementError(e, op.contact.Name) });
    } else if (e.ContactID) {
      out.set(op, { ok: true, contactId: e.ContactID });
    }
  }
  return out;
}

/** What the POS is told about one customer after a push (customer.sync-succeeded / sync-failed). */
export type PushReport =
  | {
      outcome: 'succeeded';
      customerId: string;
      version: number;
      contactId: string;
      pushedFields: MappedField[];
      /** The customer now has this contact because Xero merged its previous one into it. */
      relinkedFrom?: { contactId: string; reason: 'merged'; intoName?: string };
    }
  | { outcome: 'failed'; customerId: string; version: number; error: SyncError; retrying: boolean };

/**
 * Xero took the push (or there was nothing to send). Records what Xero now holds, field by field;
 * a field changed again while the push was on its way stays pending, and so does a full push asked
 * for a newer version. The result is reported for the pushed version.
 */
export function applySuccess(
  entry: LedgerEntry,
  plan: PushOp | Extract<PushPlan, { kind: 'report' }>,
  at: string,
  contactId = entry.xeroContactId,
): { entry: LedgerEntry; report: PushReport } {
  if (!contactId) throw new Error('applySuccess: no contact id');
  const fields = plan.kind === 'push' ? plan.fields : [];
  const sent = { ...entry.sent };
  for (const f of fields) sent[f] = { value: plan.kind === 'push' ? (plan.snapshot[f] ?? '') : '', version: plan.version };
  const next: LedgerEntry = {
    ...entry,
    xeroContactId: contactId,
    sent,
    pendingFields: entry.pendingFields.filter((f) => !sent[f] || !sameValue(sent[f]?.value, entry.desired[f])),
    fullPushVersion: (entry.fullPushVersion ?? 0) > plan.version ? entry.fullPushVersion : undefined,
    reportedVersion: Math.max(entry.reportedVersion ?? 0, plan.version),
    lastError: undefined,
    heldByFailure: false,
    attempts: remember(entry.attempts, { at, version: plan.version, fields, outcome: 'succeeded' }),
  };
  return { entry: next, report: { outcome: 'succeeded', customerId: entry.customerId, version: plan.version, contactId, pushedFields: fields } };
}

/**
 * The push failed. A failure that will be retried (Xero unavailable, limits, an expired connection)
 * keeps everything pending and is pushed again; a final one (validation, name taken, archived) is
 * reported for the version and keeps its fields pending, held until the next change or push now.
 */
export function applyFailure(
  entry: LedgerEntry,
  plan: { version: number; fields?: MappedField[] },
  error: SyncError,
  at: string,
): { entry: LedgerEntry; report: PushReport } {
  const retrying = error.retry !== 'never';
  const next: LedgerEntry = {
    ...entry,
    lastError: error,
    // a final failure waits (its fields stay pending) until the POS sends a new change or push now
    heldByFailure: !retrying,
    reportedVersion: retrying ? entry.reportedVersion : Math.max(entry.reportedVersion ?? 0, plan.version),
    attempts: remember(entry.attempts, {
      at,
      version: plan.version,
      fields: plan.fields ?? [],
      outcome: retrying ? 'retrying' : 'failed',
      message: error.message,
    }),
  };
  return { entry: next, report: { outcome: 'failed', customerId: entry.customerId, version: plan.version, error, retrying } };
}
