import { LedgerEntry, remember } from './ledger';
import { PushReport } from './push-plan';

/** The contact a merge kept: where the customer now belongs. */
export interface SurvivingContact {
  contactId: string;
  name?: string;
}

/**
 * Xero merged the customer's contact into another: the customer is relinked to the surviving contact
 * (no new contact), the history says so, and the POS is told with `relinkedFrom`. What is pending
 * stays pending and goes to the surviving contact, addressed by ContactID. A failure that held the
 * customer (a push refused because the contact was merged) no longer holds it.
 */
export function relinkMerged(entry: LedgerEntry, survivor: SurvivingContact, at: string): { entry: LedgerEntry; report: PushReport } | 'unchanged' {
  const from = entry.xeroContactId;
  if (!from || from === survivor.contactId) return 'unchanged';
  const sentVersions = Object.values(entry.sent).map((s) => s?.version ?? 0);
  const version = Math.max(1, entry.reportedVersion ?? 0, ...sentVersions);
  const message = `merged in Xero into ${survivor.name ?? survivor.contactId}`;
  const next: LedgerEntry = {
    ...entry,
    xeroContactId: survivor.contactId,
    relinkedFrom: from,
    heldByFailure: false,
    lastError: undefined,
    attempts: remember(entry.attempts, { at, version, fields: [], outcome: 'succeeded', message }),
  };
  return {
    entry: next,
    report: { outcome: 'succeeded', customerId: entry.customerId, version, contactId: survivor.contactId, pushedFields: [], relinkedFrom: { contactId: from, reason: 'merged', ...(survivor.name ? { intoName: survivor.name } : {}) } },
  };
}
