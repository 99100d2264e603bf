import type { Address, CustomerFields } from '../api/types';
import { ADDRESS_PARTS } from '../api/types';

export const TEXT_FIELDS = ['customerCode', 'firstName', 'lastName', 'companyName', 'email', 'phone', 'mobile', 'fax', 'taxNumber', 'note'] as const;
export const ADDRESS_FIELDS = ['physicalAddress', 'postalAddress'] as const;
type TextField = (typeof TEXT_FIELDS)[number];
type AddressField = (typeof ADDRESS_FIELDS)[number];
type AddressPart = (typeof ADDRESS_PARTS)[number];

/** What the form edits: every value a string ('' = empty). */
export type FormValues = Record<TextField, string> & Record<AddressField, Record<AddressPart, string>>;

export function toForm(c: CustomerFields = {}): FormValues {
  const out = {} as FormValues;
  for (const f of TEXT_FIELDS) out[f] = (c[f] as string | null | undefined) ?? '';
  for (const f of ADDRESS_FIELDS) {
    const a: Address = c[f] ?? {};
    out[f] = Object.fromEntries(ADDRESS_PARTS.map((p) => [p, a[p] ?? ''])) as Record<AddressPart, string>;
  }
  return out;
}

/**
 * The request body: for a new customer the filled fields; for an edit only what changed, an emptied
 * field as `null` (the API clears it, and Xero with it).
 */
export function toBody(values: FormValues, before?: FormValues): CustomerFields {
  const body: Record<string, unknown> = {};
  for (const f of TEXT_FIELDS) {
    const v = values[f].trim();
    if (!before) {
      if (v) body[f] = v;
    } else if (v !== before[f].trim()) body[f] = v || null;
  }
  for (const f of ADDRESS_FIELDS) {
    const parts: Record<string, string | null> = {};
    for (const p of ADDRESS_PARTS) {
      const v = values[f][p].trim();
      if (!before) {
        if (v) parts[p] = v;
      } else if (v !== before[f][p].trim()) parts[p] = v || null;
    }
    if (Object.keys(parts).length) body[f] = parts;
  }
  return body as CustomerFields;
}

/** Domain refusals carry a code rather than field names: put them next to the field they concern. */
export function problemsFromCode(code: unknown, message: string): Record<string, string[]> {
  if (code === 'CUSTOMER.CODE_TAKEN') return { customerCode: [message] };
  if (code === 'CUSTOMER.NAME_REQUIRED' || code === 'CUSTOMER.NAME_TOO_LONG') return { companyName: [message], firstName: [message] };
  return {};
}

/** The problems left once `field` is edited: its own, and a whole-address message for its address, go. */
export function withoutField(problems: Record<string, string[]>, field: string): Record<string, string[]> {
  const parent = field.split('.')[0];
  const out = { ...problems };
  delete out[field];
  if (parent !== field) delete out[parent];
  return out;
}
