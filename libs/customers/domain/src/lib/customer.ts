import { ADDRESS_PARTS, Address, CUSTOMER_FIELDS, CustomerFields, CustomerSnapshot, MAPPED_FIELDS, MappedField } from './customer.types';
import { DomainError, Result, err, ok } from './domain-error';
import { NAME_MAX_LENGTH } from './field-limits';

/** A patch: a value sets the field, `null` clears it, an absent key leaves it alone. */
export type CustomerPatch = { [K in keyof CustomerFields]?: CustomerFields[K] | null };

/** The name Xero shows: the company name, else "firstName lastName". */
export function displayName(f: CustomerFields): string {
  const company = f.companyName?.trim();
  if (company) return company;
  return [f.firstName?.trim(), f.lastName?.trim()].filter(Boolean).join(' ');
}

/** Drops empty strings, empty addresses and surrounding blanks so that "" and absent mean the same. */
export function normaliseFields(input: CustomerFields | CustomerPatch): CustomerFields {
  const out: CustomerFields = {};
  for (const key of CUSTOMER_FIELDS) {
    const v = input[key];
    if (v === undefined || v === null) continue;
    if (typeof v === 'string') {
      const t = v.trim();
      if (t) (out as Record<string, unknown>)[key] = t;
    } else {
      const a = normaliseAddress(v);
      if (a) (out as Record<string, unknown>)[key] = a;
    }
  }
  return out;
}

function normaliseAddress(a: Address): Address | undefined {
  const out: Address = {};
  for (const p of ADDRESS_PARTS) {
    const t = a[p]?.trim();
    if (t) out[p] = t;
  }
  return Object.keys(out).length ? out : undefined;
}

/** Checks the rules every stored customer obeys. */
export function validateCustomer(fields: CustomerFields): Result<CustomerFields> {
  const name = displayName(fields);
  if (!name) {
    return err(
      new DomainError('CUSTOMER.NAME_REQUIRED', 'a customer needs a companyName, a firstName or a lastName', {
        fields: ['companyName', 'firstName', 'lastName'],
      }),
    );
  }
  if (name.length > NAME_MAX_LENGTH) {
    return err(
      new DomainError('CUSTOMER.NAME_TOO_LONG', `"firstName lastName" must be at most ${NAME_MAX_LENGTH} characters (Xero's Name limit)`, {
        fields: ['firstName', 'lastName'],
      }),
    );
  }
  return ok(fields);
}

/**
 * Applies a patch to the current fields; the result is normalised but not yet validated.
 * An address in a patch is merged part by part: a part set to `null` (or "") clears that part,
 * an absent part is left alone; the whole address set to `null` clears it.
 */
export function applyPatch(current: CustomerFields, patch: CustomerPatch): CustomerFields {
  const next: CustomerFields & Record<string, unknown> = { ...current };
  for (const key of CUSTOMER_FIELDS) {
    const v = patch[key];
    if (v === undefined) continue; // absent (JSON has no undefined)
    if (v === null) delete next[key];
    else if (typeof v === 'object') next[key] = mergeAddress(current[key] as Address | undefined, v) as never;
    else next[key] = v as never;
  }
  return normaliseFields(next);
}

function mergeAddress(current: Address | undefined, patch: { [P in keyof Address]?: string | null }): Address {
  const out: Address = { ...current };
  for (const p of ADDRESS_PARTS) {
    const v = patch[p];
    if (v === undefined) continue;
    if (v === null) delete out[p];
    else out[p] = v;
  }
  return out;
}

/** The mapped fields whose values differ between two versions of a customer. */
export function changedMappedFields(before: CustomerFields, after: CustomerFields): MappedField[] {
  return MAPPED_FIELDS.filter((f) => !sameValue(before[f], after[f]));
}

function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a === 'object' && typeof b === 'object' && a && b) {
    return ADDRESS_PARTS.every((p) => (a as Address)[p] === (b as Address)[p]);
  }
  return (a ?? undefined) === (b ?? undefined);
}

export function toSnapshot(id: string, f: CustomerFields): CustomerSnapshot {
  const s: CustomerSnapshot & Record<string, unknown> = { id };
  for (const key of MAPPED_FIELDS) if (f[key] !== undefined) (s as Record<string, unknown>)[key] = f[key];
  return s;
}

/** Lower-cased, accent-free keys for prefix search (no collation or $text on MongoDB-compatibles). */
export function searchKeys(f: CustomerFields): string[] {
  const keys = new Set<string>();
  const add = (v?: string) => {
    const n = normaliseForSearch(v);
    if (n) keys.add(n);
  };
  add(displayName(f));
  add(f.firstName);
  add(f.lastName);
  add(f.companyName);
  add(f.email);
  add(f.customerCode);
  for (const phone of [f.phone, f.mobile]) {
    const digits = phone?.replace(/\D/g, '');
    if (digits) keys.add(digits);
  }
  return [...keys];
}

export function normaliseForSearch(v?: string): string {
  return (v ?? '')
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .trim();
}

/** Turns a search query into the key prefix to look for; digits-only queries search phones too. */
export function searchPrefixes(q: string): string[] {
  const n = normaliseForSearch(q);
  const digits = q.replace(/[\s()+-]/g, '');
  return /^\d+$/.test(digits) && digits !== n ? [n, digits] : [n];
}
