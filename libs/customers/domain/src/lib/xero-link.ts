import { MappedField } from './customer.types';

/** The Xero icon: not linked, red (pending), blue (synced), or failed with Xero's reason. */
export type XeroStatus = 'not_linked' | 'pending' | 'synced' | 'failed';
export const XERO_STATUSES: readonly XeroStatus[] = ['not_linked', 'pending', 'synced', 'failed'];

export type SyncErrorKind = 'validation' | 'auth' | 'not_connected' | 'rate_limited' | 'unavailable';

export interface SyncError {
  kind: SyncErrorKind;
  message: string;
  version: number;
  at: string;
}

export interface PushAttempt {
  at: string;
  version: number;
  fields: string[];
  outcome: 'succeeded' | 'failed' | 'retrying';
  error?: string;
}

export interface DriftedField {
  pos: unknown;
  xero: unknown;
}

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

export function newXeroLink(): XeroLink {
  return { status: 'not_linked', pendingFields: [], history: [] };
}

/**
 * A change the sync must push. Linked customers (and any customer on a full push, which creates
 * the contact) turn pending; an unlinked customer edited in the POS stays not linked.
 */
export function onChangeRequested(link: XeroLink, fields: readonly MappedField[], fullPush: boolean): XeroLink {
  if (!link.contactId && !fullPush && link.status === 'not_linked') return link;
  const pending = new Set<MappedField>([...link.pendingFields, ...fields]);
  return { ...link, status: 'pending', pendingFields: [...pending] };
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
 * version is the current one.
 */
export function onSyncSucceeded(
  link: XeroLink,
  r: { version: number; contactId: string; pushedFields: string[]; at: string },
  currentVersion: number,
): XeroLink {
  const history = remember(link, { at: r.at, version: r.version, fields: r.pushedFields, outcome: 'succeeded' });
  const contactId = link.contactId ?? r.contactId;
  if (isStale(link, r)) return { ...link, contactId, history };
  const upToDate = r.version >= currentVersion;
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
  r: { version: number; kind: SyncErrorKind; message: string; retrying: boolean; at: string },
  currentVersion: number,
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
  const current = r.version >= currentVersion;
  return {
    ...link,
    history,
    resultVersion: r.version,
    resultAt: r.at,
    lastError,
    status: current && !r.retrying ? 'failed' : 'pending',
  };
}

/** Someone edited the contact in Xero; the POS keeps its values and warns they will be overwritten. */
export function onXeroDrifted(link: XeroLink, fields: Record<string, DriftedField>): XeroLink {
  return { ...link, drift: { ...link.drift, ...fields } };
}

/**
 * "Click the red icon": allowed unless Xero already holds the latest version and nobody edited the
 * contact in Xero since. An unlinked customer may be pushed: the push creates its contact.
 */
export function canPushNow(link: XeroLink): boolean {
  return link.status !== 'synced' || !!link.drift;
}
