import { MappedField, XeroContact, fromXeroContact } from '@pos/customers-domain';
import { LedgerEntry, sameValue } from './ledger';

/** A field Xero holds differently from what the POS last pushed: both values. */
export interface DriftedValue {
  pos: unknown;
  xero: unknown;
}
export type Drift = Partial<Record<MappedField, DriftedValue>>;

/**
 * Compares a contact as Xero holds it now with what Xero last received from the POS (the ledger's
 * `sent`): each field that differs is drift, an edit made in Xero that the next push will overwrite.
 * Fields the POS never pushed are not compared (the POS has no value Xero could have drifted from).
 */
export function findDrift(entry: Pick<LedgerEntry, 'sent'>, contact: XeroContact): Drift {
  const xero = fromXeroContact(contact) as Record<string, unknown>;
  const drift: Drift = {};
  for (const [field, sent] of Object.entries(entry.sent) as [MappedField, { value: unknown } | undefined][]) {
    if (!sent) continue;
    if (field === 'companyName') {
      // Xero has one Name: the company name, or "first last" when there is none; compare that
      const posName = String(sent.value ?? '').trim() || personName(entry.sent.firstName?.value, entry.sent.lastName?.value);
      if (sameValue(posName, contact.Name)) continue;
    }
    if (!sameValue(sent.value, xero[field])) drift[field] = { pos: sent.value === '' ? null : sent.value, xero: xero[field] ?? null };
  }
  return drift;
}

/** Whether two drift reports name the same fields with the same values (nothing new to tell the POS). */
export function sameDrift(a: Drift | undefined, b: Drift | undefined): boolean {
  const ka = Object.keys(a ?? {}).sort();
  const kb = Object.keys(b ?? {}).sort();
  if (ka.join() !== kb.join()) return false;
  return ka.every((k) => {
    const x = (a as Record<string, DriftedValue>)[k];
    const y = (b as Record<string, DriftedValue>)[k];
    return sameValue(x.pos, y.pos) && sameValue(x.xero, y.xero);
  });
}

function personName(first: unknown, last: unknown): string {
  return [first, last].map((v) => String(v ?? '').trim()).filter(Boolean).join(' ');
}
