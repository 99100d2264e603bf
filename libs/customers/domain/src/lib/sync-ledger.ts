import { alreadyApplied, rememberApplied } from './applied-events';
import { CustomerSnapshot, MAPPED_FIELDS, MappedField, isMappedField } from './customer.types';

/** What xero-sync keeps per customer: what the POS wants Xero to hold, and what is still to push. */
export interface LedgerEntry {
  retailerId: string;
  customerId: string;
  /** The newest customer version the POS has asked for. */
  desiredVersion: number;
  desired: CustomerSnapshot;
  /** Fields to push at the next push; empty when Xero has everything. */
  pendingFields: MappedField[];
  /** A full push (on-account sale, push now) creates the contact when it is not linked yet. */
  fullPush: boolean;
  xeroContactId?: string;
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
}

/**
 * Records a customer.changed event in the ledger. Idempotent by event id; by version, an older
 * snapshot never replaces a newer one, while a full-push request still counts.
 */
export function recordChange(entry: LedgerEntry | undefined, c: ChangeRequest): LedgerEntry | 'duplicate' {
  if (alreadyApplied(entry?.recentEventIds, c.eventId)) return 'duplicate';
  const fields = c.fullPush ? [...MAPPED_FIELDS] : c.changedFields.filter(isMappedField);
  const base: LedgerEntry = entry ?? {
    retailerId: c.retailerId,
    customerId: c.customerId,
    desiredVersion: 0,
    desired: c.snapshot,
    pendingFields: [],
    fullPush: false,
    recentEventIds: [],
  };
  const newer = c.customerVersion >= base.desiredVersion;
  return {
    ...base,
    desiredVersion: newer ? c.customerVersion : base.desiredVersion,
    desired: newer ? c.snapshot : base.desired,
    pendingFields: [...new Set([...base.pendingFields, ...fields])],
    fullPush: base.fullPush || c.fullPush,
    xeroContactId: base.xeroContactId ?? c.xeroContactId,
    recentEventIds: rememberApplied(base.recentEventIds, c.eventId),
  };
}
