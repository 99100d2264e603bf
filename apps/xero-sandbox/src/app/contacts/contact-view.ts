import { msDate } from '../core/ms-date';
import {
  ADDRESS_TYPES,
  Address,
  LISTED_PHONE_TYPES,
  Phone,
  StoredContact,
  emptyAddress,
  emptyPhone,
} from './contact';

export interface ContactViewOptions {
  /**
   * Paged GET, or GET by ContactID / ContactNumber. Only then does Xero return ContactPersons, Website,
   * Discount, Balances, ContactGroups, the default account codes and line amount types, HasAttachments and
   * MergedToContactID (the OpenAPI says so of MergedToContactID and the line amount types; issue 8,
   * row 5, of the others, from Xero's Contacts documentation).
   */
  detailed: boolean;
  /**
   * summaryOnly=true (always paged): Xero's lightweight contact. It leaves out Addresses, Balances,
   * ContactGroups, ContactPersons, IsCustomer, IsSupplier, the default account codes and the tracking
   * categories; everything else of a paged contact (Phones included) stays.
   */
  summaryOnly?: boolean;
  /** Reply to PUT/POST: as Xero's createContacts example (no balances). */
  write?: boolean;
}

type Json = Record<string, unknown>;

function phoneJson(p: Phone): Json {
  return {
    PhoneType: p.PhoneType,
    PhoneNumber: p.PhoneNumber,
    PhoneAreaCode: p.PhoneAreaCode,
    PhoneCountryCode: p.PhoneCountryCode,
  };
}

function addressJson(a: Address): Json {
  const out: Json = { AddressType: a.AddressType };
  for (const f of [
    'AddressLine1',
    'AddressLine2',
    'AddressLine3',
    'AddressLine4',
  ] as const) {
    if (a[f]) out[f] = a[f];
  }
  out['City'] = a.City;
  out['Region'] = a.Region;
  out['PostalCode'] = a.PostalCode;
  out['Country'] = a.Country;
  if (a.AttentionTo) out['AttentionTo'] = a.AttentionTo;
  return out;
}

/** Every phone type Xero lists (DEFAULT, DDI, FAX, MOBILE), empty ones included; OFFICE when set. */
export function phonesJson(c: StoredContact): Json[] {
  const list = LISTED_PHONE_TYPES.map((t) =>
    phoneJson(c.Phones[t] ?? emptyPhone(t)),
  );
  if (c.Phones.OFFICE) list.push(phoneJson(c.Phones.OFFICE));
  return list;
}

export function addressesJson(c: StoredContact): Json[] {
  return [...ADDRESS_TYPES]
    .reverse() // STREET first, then POBOX, as in Xero's examples
    .map((t) => addressJson(c.Addresses[t] ?? emptyAddress(t)));
}

function put(out: Json, key: string, value: unknown): void {
  if (value !== undefined && value !== '') out[key] = value;
}

/** Renders a stored contact as the Accounting API sends it. */
export function contactJson(c: StoredContact, opts: ContactViewOptions): Json {
  const summary = !!opts.summaryOnly;
  const detailed = opts.detailed || summary;
  /** Fields Xero sends only when paged, by id, or in a write reply. */
  const full = detailed || !!opts.write;
  const out: Json = { ContactID: c.ContactID };
  if (detailed) put(out, 'MergedToContactID', c.MergedToContactID);
  put(out, 'ContactNumber', c.ContactNumber);
  put(out, 'AccountNumber', c.AccountNumber);
  out['ContactStatus'] = c.ContactStatus;
  out['Name'] = c.Name;
  put(out, 'FirstName', c.FirstName);
  put(out, 'LastName', c.LastName);
  put(out, 'CompanyNumber', c.CompanyNumber);
  out['EmailAddress'] = c.EmailAddress ?? '';
  out['BankAccountDetails'] = c.BankAccountDetails ?? '';
  put(out, 'TaxNumber', c.TaxNumber);
  put(out, 'TaxNumberType', c.TaxNumberType);
  put(out, 'AccountsReceivableTaxType', c.AccountsReceivableTaxType);
  put(out, 'AccountsPayableTaxType', c.AccountsPayableTaxType);
  if (!summary) out['Addresses'] = addressesJson(c);
  out['Phones'] = phonesJson(c);
  out['UpdatedDateUTC'] = msDate(c.UpdatedDateUTC, true);
  if (full && !summary) out['ContactGroups'] = [];
  if (!summary) {
    out['IsSupplier'] = c.IsSupplier;
    out['IsCustomer'] = c.IsCustomer;
  }
  if (detailed || opts.write) {
    put(out, 'SalesDefaultLineAmountType', c.SalesDefaultLineAmountType);
    put(
      out,
      'PurchasesDefaultLineAmountType',
      c.PurchasesDefaultLineAmountType,
    );
  }
  put(out, 'DefaultCurrency', c.DefaultCurrency);
  put(out, 'XeroNetworkKey', c.XeroNetworkKey);
  if (full && !summary) {
    put(out, 'SalesDefaultAccountCode', c.SalesDefaultAccountCode);
    put(out, 'PurchasesDefaultAccountCode', c.PurchasesDefaultAccountCode);
  }
  if (full) {
    put(out, 'Website', c.Website);
    if (c.Discount !== undefined) out['Discount'] = c.Discount;
  }
  if (detailed && !summary && c.Balances)
    out['Balances'] = JSON.parse(JSON.stringify(c.Balances));
  if (full && !summary)
    out['ContactPersons'] = c.ContactPersons.map((p) => ({ ...p }));
  if (full) out['HasAttachments'] = false;
  out['HasValidationErrors'] = false;
  return out;
}

/** Fields a summaryOnly reply leaves out, which a `where` may therefore not name (Xero refuses it). */
export const SUMMARY_OMITTED_FIELDS = [
  'Addresses',
  'Balances',
  'ContactGroups',
  'ContactPersons',
  'IsCustomer',
  'IsSupplier',
  'SalesDefaultAccountCode',
  'PurchasesDefaultAccountCode',
  'SalesTrackingCategories',
  'PurchasesTrackingCategories',
] as const;

/** The echo of a refused element, as in Xero's ValidationException `Elements`. */
export function errorElementJson(
  echo: Json,
  contactId: string | undefined,
  messages: string[],
): Json {
  const { ContactID: _ignored, ...rest } = echo;
  void _ignored;
  return {
    ContactID: contactId ?? '00000000-0000-0000-0000-000000000000',
    ...rest,
    HasValidationErrors: true,
    ValidationErrors: messages.map((Message) => ({ Message })),
  };
}
