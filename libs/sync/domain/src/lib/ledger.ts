import { CustomerSnapshot, MAPPED_FIELDS, MappedField, alreadyApplied, isMappedField, rememberApplied } from '@pos/customers-domain';
import { SyncError } from './xero-errors';

/** One push of one customer as the history keeps it. */
export interface PushAttempt {
  at: string;
  version: number;
  /** The POS fields the push carried (empty when Xero already had everything). */
  fields: MappedField[];
  outcome: 'succeeded' | 'failed' | 'retrying';
  /** Xero's message when it refused or could not take the push. */
  message?: string;
}

/** What xero-sync keeps per customer (DESIGN §3, issue 9 "the ledger"). */
export interface LedgerEntry {
  retailerId: string;
  customerId: string;
  /** The newest customer version the POS has asked for, and its mapped fields. */
  desiredVersion: number;
  desired: CustomerSnapshot;
  /** Fields changed since Xero last took them; what the next push considers. */
  pendingFields: MappedField[];
  /** The version whose change asked for a full push (on-account sale, push now), until a push covers it. */
  fullPushVersion?: number;
  xeroContactId?: string;
  /**
   * The contact this customer was linked to before Xero merged it into `xeroContactId`: from then on
   * the customer is addressed by ContactID only (its ContactNumber stays with the merged contact).
   */
  relinkedFrom?: string;
  /**
   * How many times the POS unlinked the customer from its contact. Xero keeps ContactNumbers unique
   * across archived contacts too, so each new contact after an unlink carries `<id>.<n>` (contactNumberOf).
   */
  unlinks?: number;
  /** What Xero last received from us: per field, the value and the customer version it came from. */
  sent: Partial<Record<MappedField, { value: unknown; version: number }>>;
  /** The newest version a result (success or final failure) has been reported for. */
  reportedVersion?: number;
  lastError?: SyncError;
  /** Xero refused the last push for good: nothing is sent until the POS sends a new change or push now. */
  heldByFailure?: boolean;
  /** The last ATTEMPTS_KEPT pushes, newest first. */
  attempts: PushAttempt[];
  /** Ids of the events already recorded, newest first, so redeliveries change nothing. */
  recentEventIds: string[];
}

export interface ChangeRequest {
  eventId: string;
  retailerId: string;
  customerId: string;
  customerVersion: number;
  changedFields: string[];
  snapshot: CustomerSnapshot;
  fullPush: boolean;
  xeroContactId?: string;
  /** The POS dropped the link (unlink): forget the contact; the next push creates a new one. */
  unlink?: boolean;
}

export const ATTEMPTS_KEPT = 20;

export function newLedgerEntry(retailerId: string, customerId: string, snapshot: CustomerSnapshot): LedgerEntry {
  return { retailerId, customerId, desiredVersion: 0, desired: snapshot, pendingFields: [], sent: {}, attempts: [], recentEventIds: [] };
}

/**
 * Records a customer.changed event. Idempotent by event id; an older version never replaces the
 * desired snapshot (its fields still join the pending set, since the newer snapshot holds their
 * current value), and a full-push request always counts.
 */
export function recordChange(entry: LedgerEntry | undefined, c: ChangeRequest): LedgerEntry | 'duplicate' {
  if (alreadyApplied(entry?.recentEventIds, c.eventId)) return 'duplicate';
  const existing = entry ?? newLedgerEntry(c.retailerId, c.customerId, c.snapshot);
  const base: LedgerEntry =
    c.unlink && existing.xeroContactId
      ? { ...existing, xeroContactId: undefined, relinkedFrom: undefined, sent: {}, unlinks: (existing.unlinks ?? 0) + 1, lastError: undefined }
      : existing;
  const newer = c.customerVersion > base.desiredVersion || base.desiredVersion === 0;
  const fields = c.changedFields.filter(isMappedField);
  return {
    ...base,
    desiredVersion: newer ? c.customerVersion : base.desiredVersion,
    desired: newer ? c.snapshot : base.desired,
    pendingFields: union(base.pendingFields, fields),
    fullPushVersion: c.fullPush ? Math.max(base.fullPushVersion ?? 0, c.customerVersion) : base.fullPushVersion,
    xeroContactId: c.unlink ? base.xeroContactId : (base.xeroContactId ?? c.xeroContactId),
    heldByFailure: false,
    recentEventIds: rememberApplied(base.recentEventIds, c.eventId),
  };
}

/** The ContactNumber the customer's contact carries: its id, then `<id>.<n>` after the n-th unlink. */
export function contactNumberOf(entry: Pick<LedgerEntry, 'desired' | 'unlinks'>): string {
  return entry.unlinks ? `${entry.desired.id}.${entry.unlinks}` : entry.desired.id;
}

/** Values compare as the POS stores them: absent, empty string and an address of blanks are one "empty". */
export function sameValue(a: unknown, b: unknown): boolean {
  return canonical(a) === canonical(b);
}

function canonical(v: unknown): string {
  if (v === undefined || v === null) return '';
  if (typeof v === 'string') return v.trim();
  if (typeof v === 'object') {
    const entries = Object.entries(v as Record<string, unknown>)
      .map(([k, x]) => [k, canonical(x)] as const)
      .filter(([, x]) => x !== '')
      .sort(([a], [b]) => a.localeCompare(b));
    return entries.length ? JSON.stringify(entries) : '';
  }
  return String(v);
}

function union<T>(a: readonly T[], b: readonly T[]): T[] {
  return [...new Set([...a, ...b])];
}

export function remember(attempts: readonly PushAttempt[], a: PushAttempt): PushAttempt[] {
  return [a, ...attempts].slice(0, ATTEMPTS_KEPT);
}

/** Everything mapped, in the mapper's order. */
export const ALL_MAPPED: readonly MappedField[] = MAPPED_FIELDS;
