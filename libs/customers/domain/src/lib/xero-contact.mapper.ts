import { displayName } from './customer';
import { Address, CustomerFields, CustomerSnapshot, MAPPED_FIELDS, MappedField } from './customer.types';

/** The part of Xero's Contact object a POS customer maps to (field names as Xero spells them). */
export interface XeroPhone {
  PhoneType: 'DEFAULT' | 'DDI' | 'MOBILE' | 'FAX' | 'OFFICE';
  PhoneNumber?: string;
  PhoneAreaCode?: string;
  PhoneCountryCode?: string;
}
export interface XeroAddress {
  AddressType: 'POBOX' | 'STREET';
  AddressLine1?: string;
  AddressLine2?: string;
  AddressLine3?: string;
  AddressLine4?: string;
  City?: string;
  Region?: string;
  PostalCode?: string;
  Country?: string;
  AttentionTo?: string;
}
export interface XeroContact {
  ContactID?: string;
  ContactNumber?: string;
  AccountNumber?: string;
  ContactStatus?: 'ACTIVE' | 'ARCHIVED' | 'GDPRREQUEST';
  Name?: string;
  FirstName?: string;
  LastName?: string;
  EmailAddress?: string;
  TaxNumber?: string;
  Phones?: XeroPhone[];
  Addresses?: XeroAddress[];
  IsCustomer?: boolean;
  IsSupplier?: boolean;
  UpdatedDateUTC?: string;
  MergedToContactID?: string;
}

const NAME_SOURCES: readonly MappedField[] = ['companyName', 'firstName', 'lastName'];
const PHONE_TYPE = { phone: 'DEFAULT', mobile: 'MOBILE', fax: 'FAX' } as const;
const ADDRESS_TYPE = { physicalAddress: 'STREET', postalAddress: 'POBOX' } as const;
const SIMPLE = {
  customerCode: 'AccountNumber',
  firstName: 'FirstName',
  lastName: 'LastName',
  email: 'EmailAddress',
  taxNumber: 'TaxNumber',
} as const;

/**
 * Builds the Xero contact for a push. With `fields` it carries those POS fields only (a partial
 * update: Xero keeps what is left out); without, every mapped field (a full push). An empty POS
 * field is sent as an empty string so that clearing it in the POS clears it in Xero.
 */
export function toXeroContact(
  snapshot: CustomerSnapshot,
  opts: { fields?: readonly MappedField[]; contactId?: string } = {},
): XeroContact {
  const fields = opts.fields ?? MAPPED_FIELDS;
  const c: XeroContact & Record<string, unknown> = {};
  if (opts.contactId) c.ContactID = opts.contactId;
  if (!opts.fields || !opts.contactId) c.ContactNumber = snapshot.id;
  if (fields.some((f) => NAME_SOURCES.includes(f))) c.Name = displayName(snapshot);
  for (const f of fields) {
    if (f in SIMPLE) c[SIMPLE[f as keyof typeof SIMPLE]] = (snapshot[f] as string | undefined) ?? '';
  }
  const phones = (Object.keys(PHONE_TYPE) as (keyof typeof PHONE_TYPE)[])
    .filter((f) => fields.includes(f))
    .map((f) => ({ PhoneType: PHONE_TYPE[f], PhoneNumber: snapshot[f] ?? '' }));
  if (phones.length) c.Phones = phones;
  const addresses = (Object.keys(ADDRESS_TYPE) as (keyof typeof ADDRESS_TYPE)[])
    .filter((f) => fields.includes(f))
    .map((f) => toXeroAddress(ADDRESS_TYPE[f], snapshot[f]));
  if (addresses.length) c.Addresses = addresses;
  return c;
}

function toXeroAddress(type: XeroAddress['AddressType'], a: Address | undefined): XeroAddress {
  return {
    AddressType: type,
    AddressLine1: a?.line1 ?? '',
    AddressLine2: a?.line2 ?? '',
    AddressLine3: a?.suburb ?? '',
    City: a?.city ?? '',
    Region: a?.state ?? '',
    PostalCode: a?.postcode ?? '',
    Country: a?.country ?? '',
  };
}

/** Reads a Xero contact as POS customer fields (Import from Xero). */
export function fromXeroContact(c: XeroContact): CustomerFields {
  const f: CustomerFields = {
    customerCode: c.AccountNumber || undefined,
    firstName: c.FirstName || undefined,
    lastName: c.LastName || undefined,
    email: c.EmailAddress || undefined,
    taxNumber: c.TaxNumber || undefined,
  };
  const personName = [c.FirstName?.trim(), c.LastName?.trim()].filter(Boolean).join(' ');
  if (c.Name && c.Name.trim() !== personName) f.companyName = c.Name.trim();
  for (const [field, type] of Object.entries(PHONE_TYPE)) {
    const p = c.Phones?.find((x) => x.PhoneType === type);
    const number = [p?.PhoneCountryCode, p?.PhoneAreaCode, p?.PhoneNumber].filter(Boolean).join(' ');
    if (number) (f as Record<string, unknown>)[field] = number;
  }
  for (const [field, type] of Object.entries(ADDRESS_TYPE)) {
    const a = c.Addresses?.find((x) => x.AddressType === type);
    if (!a) continue;
    const addr: Address = {
      line1: a.AddressLine1 || undefined,
      line2: [a.AddressLine2, a.AddressLine4].filter(Boolean).join(', ') || undefined,
      suburb: a.AddressLine3 || undefined,
      city: a.City || undefined,
      state: a.Region || undefined,
      postcode: a.PostalCode || undefined,
      country: a.Country || undefined,
    };
    if (Object.values(addr).some(Boolean)) (f as Record<string, unknown>)[field] = addr;
  }
  return Object.fromEntries(Object.entries(f).filter(([, v]) => v !== undefined)) as CustomerFields;
}

/** The "View on Xero" deep link for a contact. */
export function xeroContactUrl(shortCode: string, contactId: string): string {
  return (
    `https://go.xero.com/organisationlogin/default.aspx?shortcode=${encodeURIComponent(shortCode)}` +
    `&redirecturl=/Contacts/View/${encodeURIComponent(contactId)}`
  );
}
