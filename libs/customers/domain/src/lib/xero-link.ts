import type { PushOutcome, SyncErrorKind, XeroStatus } from '@pos/sync-contracts/enums';
import { MAPPED_FIELDS, MappedField } from './customer.types';

export interface SyncError {
  kind: SyncErrorKind;
  message: string;
  /** How the retailer fixes it (a name already used in Xero, an archived contact, a lost connection). */
  hint?: string;
  /** When pushes resume (rate_limited). */
  retryAt?: string;
  version: number;
  at: string;
}

export interface PushAttempt {
  at: string;
  version: number;
  fields: string[];
  outcome: PushOutcome;
  error?: string;
  /** What else happened, e.g. "merged in Xero into <name>". */
  note?: string;
}

export interface DriftedField {
  pos: unknown;
  xero: unknown;
  /** When xero-sync found the difference (its report's occurredAt). */
  seenAt?: string;
}

/** What the POS tells the retailer about drift. */
export const DRIFT_MESSAGE = 'These fields were edited in Xero. The next POS edit or on-account sale will overwrite them with the POS values.';

/** Where a link to a contact came from when the POS did not make the contact itself (Import from Xero). */
export interface LinkOrigin {
  /** `linked`: an existing POS customer matched the contact; `created`: the customer was created from it. */
  reason: 'linked' | 'created';
  /** What made the link, e.g. `import:<import id>`. */
  source: string;
  /** The rule that matched (linked only). */
  rule?: string;
  at: string;
}

/** Everything the POS knows about one customer's Xero side. */
export interface XeroLink {
  status: XeroStatus;
  contactId?: string;
  linkedBy?: LinkOrigin;
  /**
   * The customer version Xero must hold for the customer to count as synced: the version of the
   * latest change that asked for a push. A result for an older version leaves the customer pending.
   */
  requiredVersion: number;
  /** Fields changed since Xero last confirmed a push. */
  pendingFields: MappedField[];
  /** The newest customer version a result (success or failure) has been applied for. */
  resultVersion?: number;
  /** When that result happened (its event's occurredAt): orders two results for the same version. */
  resultAt?: string;
  /** The newest customer version Xero holds. */
  syncedVersion?: number;
  lastError?: SyncError;
  drift?: Record<string, DriftedField>;
  history: PushAttempt[];
}

export const HISTORY_LIMIT = 20;

/** A new customer (version 1) that Xero does not know yet. */
export function newXeroLink(version = 1): XeroLink {
  return { status: 'not_linked', requiredVersion: version, pendingFields: [], history: [] };
}

/**
 * A change the sync must push, made at customer version `version` (which Xero must then hold for
 * the customer to be synced). Linked customers (and any customer on a full push, which creates the
 * contact) turn pending; an unlinked customer edited in the POS stays not linked.
 */
export function onChangeRequested(link: XeroLink, fields: readonly MappedField[], fullPush: boolean, version: number): XeroLink {
  if (!link.contactId && !fullPush && link.status === 'not_linked') return { ...link, requiredVersion: version };
  const pending = new Set<MappedField>([...link.pendingFields, ...fields]);
  return { ...link, status: 'pending', pendingFields: [...pending], requiredVersion: version };
}

/**
 * The retailer unlinked the customer from its Xero contact (an archived one, say): the link is
 * cleared and everything is pushed again, which creates a new contact.
 */
export function onUnlinked(link: XeroLink, version: number): XeroLink {
  return onChangeRequested({ ...link, contactId: undefined, linkedBy: undefined, lastError: undefined, drift: undefined }, MAPPED_FIELDS, true, version);
}

/** The one rule for "synced": a result counts as current only for the version the latest change asked for (or newer). */
function isCurrent(link: XeroLink, version: number): boolean {
  return version >= link.requiredVersion;
}

function remember(link: XeroLink, attempt: PushAttempt): PushAttempt[] {
  return [attempt, ...link.history].slice(0, HISTORY_LIMIT);
}

/**
 * A result older than the one already applied: a lower version, or the same version reported
 * earlier (a retry's failure overtaken by its success, redelivered late).
 */
function isStale(link: XeroLink, r: { version: number; at: string }): boolean {
  if (link.resultVersion === undefined) return false;
  if (r.version !== link.resultVersion) return r.version < link.resultVersion;
  return link.resultAt !== undefined && Date.parse(r.at) < Date.parse(link.resultAt);
}

/**
 * Xero accepted version `version`. Results may arrive late or out of order: a result older than
 * one already applied only joins the history, and the customer turns synced only when the pushed
 * version is the required one (see isCurrent).
 */
export function onSyncSucceeded(
  link: XeroLink,
  r: { version: number; contactId: string; pushedFields: string[]; at: string; relinkedFrom?: { contactId: string; reason: 'merged'; intoName?: string } },
): XeroLink {
  const attempt: PushAttempt = { at: r.at, version: r.version, fields: r.pushedFields, outcome: 'succeeded' };
  if (r.relinkedFrom) attempt.note = `merged in Xero into ${r.relinkedFrom.intoName ?? r.contactId}`;
  const history = remember(link, attempt);
  // a relink (Xero merged the contact) moves the customer to the surviving contact whatever the version order
  const contactId = r.relinkedFrom ? r.contactId : (link.contactId ?? r.contactId);
  if (isStale(link, r)) return { ...link, contactId, history };
  const upToDate = isCurrent(link, r.version);
  return {
    ...link,
    contactId: r.contactId,
    history,
    resultVersion: r.version,
    resultAt: r.at,
    syncedVersion: Math.max(link.syncedVersion ?? 0, r.version),
    status: upToDate ? 'synced' : 'pending',
    pendingFields: upToDate ? [] : link.pendingFields,
    lastError: upToDate ? undefined : link.lastError,
    drift: upToDate ? undefined : link.drift,
  };
}

/** Xero refused (or could not take) version `version`. A push that will be retried stays pending. */
export function onSyncFailed(
  link: XeroLink,
  r: { version: number; kind: SyncErrorKind; message: string; hint?: string; retryAt?: string; retrying: boolean; at: string },
): XeroLink {
  const history = remember(link, {
    at: r.at,
    version: r.version,
    fields: [...link.pendingFields], // what was waiting to be pushed when it failed
    outcome: r.retrying ? 'retrying' : 'failed',
    error: r.message,
  });
  if (isStale(link, r)) return { ...link, history };
  const lastError: SyncError = { kind: r.kind, message: r.message, version: r.version, at: r.at };
  if (r.hint) lastError.hint = r.hint;
  if (r.retryAt) lastError.retryAt = r.retryAt;
  const current = isCurrent(link, r.version);
  return {
    ...link,
    history,
    resultVersion: r.version,
    resultAt: r.at,
    lastError,
    status: current && !r.retrying ? 'failed' : 'pending',
  };
}

/**
 * Someone edited the contact in Xero; the POS keeps its values and warns they will be overwritten.
 * A report lists every field that differs now, so it replaces the previous drift; an empty one says
 * Xero holds the POS values again. A field still drifted the same way keeps when it was first seen.
 */
export function onXeroDrifted(link: XeroLink, fields: Record<string, DriftedField>, at?: string): XeroLink {
  const drift: Record<string, DriftedField> = {};
  for (const [name, f] of Object.entries(fields)) {
    const before = link.drift?.[name];
    const same = before && JSON.stringify([before.pos, before.xero]) === JSON.stringify([f.pos, f.xero]);
    drift[name] = { pos: f.pos, xero: f.xero, seenAt: (same ? before.seenAt : undefined) ?? f.seenAt ?? at };
  }
  return { ...link, drift: Object.keys(drift).length ? drift : undefined };
}

/**
 * "Click the red icon": allowed unless Xero already holds the latest version and nobody edited the
 * contact in Xero since. An unlinked customer may be pushed: the push creates its contact.
 */
export function canPushNow(link: XeroLink): boolean {
  return link.status !== 'synced' || !!link.drift;
}
