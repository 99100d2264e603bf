import { isUuid } from '../core/ids';
import {
  ADDRESS_TYPES,
  Address,
  AddressType,
  ContactPerson,
  ContactStatus,
  LINE_AMOUNT_TYPES,
  PHONE_TYPES,
  Phone,
  PhoneType,
  STRING_FIELDS,
  StringField,
  TAX_NUMBER_TYPES,
  emptyAddress,
  emptyPhone,
} from './contact';
import { FIELD_LABELS, Messages } from './contact-messages';

/** Maximum lengths, from xero-api-notes.md and the Contact/Phone/Address schemas of xero_accounting.yaml. */
export const MAX_LENGTHS: Record<string, number> = {
  ContactNumber: 50,
  AccountNumber: 50,
  Name: 255,
  FirstName: 255,
  LastName: 255,
  CompanyNumber: 50,
  EmailAddress: 255,
  TaxNumber: 50,
  PhoneNumber: 50,
  PhoneAreaCode: 10,
  PhoneCountryCode: 20,
  AddressLine1: 500,
  AddressLine2: 500,
  AddressLine3: 500,
  AddressLine4: 500,
  City: 255,
  Region: 255,
  PostalCode: 50,
  Country: 50,
  AttentionTo: 255,
};

const PHONE_FIELDS = [
  'PhoneNumber',
  'PhoneAreaCode',
  'PhoneCountryCode',
] as const;
const ADDRESS_FIELDS = [
  'AddressLine1',
  'AddressLine2',
  'AddressLine3',
  'AddressLine4',
  'City',
  'Region',
  'PostalCode',
  'Country',
  'AttentionTo',
] as const;

/** ASCII only: Xero does not accept umlauts in email addresses (Contact.EmailAddress description). */
const EMAIL_RE =
  /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$/;

export function isValidEmail(value: string): boolean {
  return EMAIL_RE.test(value);
}

export function isValidWebsite(value: string): boolean {
  if (!value) return true;
  try {
    const u = new URL(
      /^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? value : `http://${value}`,
    );
    return (
      (u.protocol === 'http:' || u.protocol === 'https:') &&
      u.hostname.includes('.') &&
      !/\s/.test(value)
    );
  } catch {
    return false;
  }
}

/** What a request element asks to change. Absent keys mean "keep"; "" means "clear". */
export interface ContactPatch {
  ContactID?: string;
  strings: Partial<Record<StringField, string>>;
  ContactStatus?: ContactStatus;
  TaxNumberType?: (typeof TAX_NUMBER_TYPES)[number] | '';
  SalesDefaultLineAmountType?: (typeof LINE_AMOUNT_TYPES)[number];
  PurchasesDefaultLineAmountType?: (typeof LINE_AMOUNT_TYPES)[number];
  /** Per type: the new phone, or null to clear it. Entries without a PhoneType are ignored. */
  phones: Partial<Record<PhoneType, Phone | null>>;
  /** Per type: the new address, or null to clear it. */
  addresses: Partial<Record<AddressType, Address | null>>;
  /** Replaced as a whole when present. */
  contactPersons?: ContactPerson[];
}

export interface ParsedContactInput {
  patch: ContactPatch;
  errors: string[];
  /** The element as a Xero error reply echoes it: the recognised fields of the input, well-typed only. */
  echo: Record<string, unknown>;
}

type Json = Record<string, unknown>;

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function checkLength(field: string, value: string, errors: string[]): void {
  const max = MAX_LENGTHS[field];
  if (max !== undefined && value.length > max)
    errors.push(Messages.tooLong(FIELD_LABELS[field] ?? field, max));
}

/**
 * Reads one element of a Contacts request body (PascalCase, as xero-node serialises it). Read-only fields
 * (IsCustomer, IsSupplier, Website, Discount, Balances, UpdatedDateUTC, ...) and unknown keys are ignored,
 * as Xero ignores them.
 */
export function parseContactInput(raw: unknown): ParsedContactInput {
  const errors: string[] = [];
  const echo: Json = {};
  const patch: ContactPatch = { strings: {}, phones: {}, addresses: {} };
  if (!isObject(raw)) {
    return { patch, errors: ['A contact must be a JSON object.'], echo };
  }

  if (
    raw['ContactID'] !== undefined &&
    raw['ContactID'] !== null &&
    raw['ContactID'] !== ''
  ) {
    const id = raw['ContactID'];
    if (typeof id === 'string' && isUuid(id)) {
      patch.ContactID = id.toLowerCase();
      echo['ContactID'] = patch.ContactID;
    } else {
      errors.push(Messages.invalidContactId(String(id)));
    }
  }

  for (const field of STRING_FIELDS) {
    const v = raw[field];
    if (v === undefined || v === null) continue;
    if (typeof v !== 'string') {
      errors.push(Messages.notAString(field));
      continue;
    }
    const value = field === 'Name' ? v.trim() : v;
    checkLength(field, value, errors);
    if (field === 'EmailAddress' && value !== '' && !isValidEmail(value.trim()))
      errors.push(Messages.emailInvalid);
    patch.strings[field] = field === 'EmailAddress' ? value.trim() : value;
    echo[field] = v;
  }

  const status = raw['ContactStatus'];
  if (status !== undefined && status !== null) {
    if (status === 'ACTIVE' || status === 'ARCHIVED') {
      patch.ContactStatus = status;
      echo['ContactStatus'] = status;
    } else if (status === 'GDPRREQUEST') {
      errors.push(Messages.statusNotSettable(status));
    } else {
      errors.push(Messages.notInEnum('ContactStatus', String(status)));
    }
  }

  readEnum(raw, 'TaxNumberType', TAX_NUMBER_TYPES, true, patch, echo, errors);
  readEnum(
    raw,
    'SalesDefaultLineAmountType',
    LINE_AMOUNT_TYPES,
    false,
    patch,
    echo,
    errors,
  );
  readEnum(
    raw,
    'PurchasesDefaultLineAmountType',
    LINE_AMOUNT_TYPES,
    false,
    patch,
    echo,
    errors,
  );

  const phones = raw['Phones'];
  if (phones !== undefined && phones !== null) {
    if (!Array.isArray(phones)) errors.push(Messages.notAString('Phones'));
    else readPhones(phones, patch, echo, errors);
  }

  const addresses = raw['Addresses'];
  if (addresses !== undefined && addresses !== null) {
    if (!Array.isArray(addresses))
      errors.push(Messages.notAString('Addresses'));
    else readAddresses(addresses, patch, echo, errors);
  }

  const persons = raw['ContactPersons'];
  if (persons !== undefined && persons !== null) {
    if (!Array.isArray(persons))
      errors.push(Messages.notAString('ContactPersons'));
    else readPersons(persons, patch, echo, errors);
  }

  return { patch, errors, echo };
}

function readEnum(
  raw: Json,
  field:
    | 'TaxNumberType'
    | 'SalesDefaultLineAmountType'
    | 'PurchasesDefaultLineAmountType',
  allowed: readonly string[],
  clearable: boolean,
  patch: ContactPatch,
  echo: Json,
  errors: string[],
): void {
  const v = raw[field];
  if (v === undefined || v === null) return;
  if (
    typeof v === 'string' &&
    (allowed.includes(v) || (clearable && v === ''))
  ) {
    (patch as unknown as Json)[field] = v;
    if (v !== '') echo[field] = v;
  } else {
    errors.push(Messages.notInEnum(field, String(v)));
  }
}

/**
 * Phones and addresses merge by type: an entry replaces the value of its type, an entry without a
 * type is ignored, and an entry whose values are all empty clears that type.
 */
function readByType<T extends string, V extends object>(
  entries: unknown[],
  spec: {
    typeKey: string;
    types: readonly T[];
    fields: readonly (keyof V & string)[];
    empty: (type: T) => V;
    isCleared: (value: V) => boolean;
  },
  errors: string[],
): { echoed: Json[]; values: [T, V | null][] } {
  const echoed: Json[] = [];
  const values: [T, V | null][] = [];
  for (const entry of entries) {
    if (!isObject(entry)) continue;
    const type = entry[spec.typeKey];
    if (type === undefined || type === null || type === '') continue; // entries without a type are ignored
    if (
      typeof type !== 'string' ||
      !(spec.types as readonly string[]).includes(type)
    ) {
      errors.push(Messages.notInEnum(spec.typeKey, String(type)));
      continue;
    }
    const value = spec.empty(type as T);
    const e: Json = { [spec.typeKey]: type };
    let ok = true;
    for (const f of spec.fields) {
      const v = entry[f];
      if (v === undefined || v === null) continue;
      if (typeof v !== 'string') {
        errors.push(Messages.notAString(f));
        ok = false;
        continue;
      }
      checkLength(f, v, errors);
      (value as Record<string, string>)[f] = v;
      e[f] = v;
    }
    echoed.push(e);
    if (ok) values.push([type as T, spec.isCleared(value) ? null : value]);
  }
  return { echoed, values };
}

function readPhones(
  entries: unknown[],
  patch: ContactPatch,
  echo: Json,
  errors: string[],
): void {
  const { echoed, values } = readByType(
    entries,
    {
      typeKey: 'PhoneType',
      types: PHONE_TYPES,
      fields: PHONE_FIELDS,
      empty: emptyPhone,
      isCleared: (p) => p.PhoneNumber.trim() === '',
    },
    errors,
  );
  for (const [type, phone] of values) patch.phones[type] = phone;
  echo['Phones'] = echoed;
}

function readAddresses(
  entries: unknown[],
  patch: ContactPatch,
  echo: Json,
  errors: string[],
): void {
  const { echoed, values } = readByType(
    entries,
    {
      typeKey: 'AddressType',
      types: ADDRESS_TYPES,
      fields: ADDRESS_FIELDS,
      empty: emptyAddress,
      isCleared: (a) => ADDRESS_FIELDS.every((f) => a[f].trim() === ''),
    },
    errors,
  );
  for (const [type, address] of values) patch.addresses[type] = address;
  echo['Addresses'] = echoed;
}

/** Xero accepts at most 5 contact persons on a contact (its Contacts documentation; issue 8, row 10). */
export const MAX_CONTACT_PERSONS = 5;

function readPersons(
  entries: unknown[],
  patch: ContactPatch,
  echo: Json,
  errors: string[],
): void {
  if (entries.length > MAX_CONTACT_PERSONS)
    errors.push(Messages.tooManyContactPersons(MAX_CONTACT_PERSONS));
  const persons: ContactPerson[] = [];
  for (const entry of entries) {
    if (!isObject(entry)) continue;
    const p: ContactPerson = {};
    for (const f of ['FirstName', 'LastName', 'EmailAddress'] as const) {
      const v = entry[f];
      if (v === undefined || v === null) continue;
      if (typeof v !== 'string')
        errors.push(Messages.notAString(`ContactPersons.${f}`));
      else p[f] = v;
    }
    if (p.EmailAddress && !isValidEmail(p.EmailAddress.trim()))
      errors.push(Messages.emailInvalid);
    const inc = entry['IncludeInEmails'];
    if (inc !== undefined && inc !== null) {
      if (typeof inc !== 'boolean')
        errors.push(Messages.notAString('ContactPersons.IncludeInEmails'));
      else p.IncludeInEmails = inc;
    }
    persons.push(p);
  }
  patch.contactPersons = persons;
  echo['ContactPersons'] = persons;
}
