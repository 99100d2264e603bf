/** The contact as the sandbox stores it. Field names follow Xero's (PascalCase) to keep mapping obvious. */
export const PHONE_TYPES = [
  'DEFAULT',
  'DDI',
  'MOBILE',
  'FAX',
  'OFFICE',
] as const;
export type PhoneType = (typeof PHONE_TYPES)[number];
/** Phone types every response lists, empty or not (OFFICE only when set). */
export const LISTED_PHONE_TYPES: PhoneType[] = [
  'DEFAULT',
  'DDI',
  'FAX',
  'MOBILE',
];

export const ADDRESS_TYPES = ['POBOX', 'STREET'] as const;
export type AddressType = (typeof ADDRESS_TYPES)[number];

export const CONTACT_STATUSES = ['ACTIVE', 'ARCHIVED', 'GDPRREQUEST'] as const;
export type ContactStatus = (typeof CONTACT_STATUSES)[number];

export const LINE_AMOUNT_TYPES = ['INCLUSIVE', 'EXCLUSIVE', 'NONE'] as const;
export const TAX_NUMBER_TYPES = ['SSN', 'EIN', 'ITIN', 'ATIN'] as const;

export interface Phone {
  PhoneType: PhoneType;
  PhoneNumber: string;
  PhoneAreaCode: string;
  PhoneCountryCode: string;
}

export interface Address {
  AddressType: AddressType;
  AddressLine1: string;
  AddressLine2: string;
  AddressLine3: string;
  AddressLine4: string;
  City: string;
  Region: string;
  PostalCode: string;
  Country: string;
  AttentionTo: string;
}

export interface ContactPerson {
  FirstName?: string;
  LastName?: string;
  EmailAddress?: string;
  IncludeInEmails?: boolean;
}

export interface Balances {
  AccountsReceivable: { Outstanding: number; Overdue: number };
  AccountsPayable: { Outstanding: number; Overdue: number };
}

/** Plain string fields writable through the API; omitted keeps the value, "" clears it. */
export const STRING_FIELDS = [
  'ContactNumber',
  'AccountNumber',
  'Name',
  'FirstName',
  'LastName',
  'CompanyNumber',
  'EmailAddress',
  'BankAccountDetails',
  'TaxNumber',
  'AccountsReceivableTaxType',
  'AccountsPayableTaxType',
  'DefaultCurrency',
  'XeroNetworkKey',
  'SalesDefaultAccountCode',
  'PurchasesDefaultAccountCode',
] as const;
export type StringField = (typeof STRING_FIELDS)[number];

export interface StoredContact {
  ContactID: string;
  ContactStatus: ContactStatus;
  Name: string;
  ContactNumber?: string;
  AccountNumber?: string;
  FirstName?: string;
  LastName?: string;
  CompanyNumber?: string;
  EmailAddress?: string;
  BankAccountDetails?: string;
  TaxNumber?: string;
  TaxNumberType?: (typeof TAX_NUMBER_TYPES)[number];
  AccountsReceivableTaxType?: string;
  AccountsPayableTaxType?: string;
  DefaultCurrency?: string;
  XeroNetworkKey?: string;
  SalesDefaultAccountCode?: string;
  PurchasesDefaultAccountCode?: string;
  SalesDefaultLineAmountType?: (typeof LINE_AMOUNT_TYPES)[number];
  PurchasesDefaultLineAmountType?: (typeof LINE_AMOUNT_TYPES)[number];
  /** Read-only through the API; set through the /sandbox surface (Xero's web app). */
  Website?: string;
  Discount?: number;
  Phones: Partial<Record<PhoneType, Phone>>;
  Addresses: Partial<Record<AddressType, Address>>;
  ContactPersons: ContactPerson[];
  /** Read-only through the API (Xero sets them from invoices and bills); set through /sandbox. */
  IsCustomer: boolean;
  IsSupplier: boolean;
  Balances?: Balances;
  MergedToContactID?: string;
  UpdatedDateUTC: number;
  CreatedDateUTC: number;
}

export function emptyPhone(type: PhoneType): Phone {
  return {
    PhoneType: type,
    PhoneNumber: '',
    PhoneAreaCode: '',
    PhoneCountryCode: '',
  };
}

export function emptyAddress(type: AddressType): Address {
  return {
    AddressType: type,
    AddressLine1: '',
    AddressLine2: '',
    AddressLine3: '',
    AddressLine4: '',
    City: '',
    Region: '',
    PostalCode: '',
    Country: '',
    AttentionTo: '',
  };
}

export function cloneContact(c: StoredContact): StoredContact {
  return JSON.parse(JSON.stringify(c)) as StoredContact;
}

/** Name comparison Xero uses for uniqueness: trimmed, case-insensitive. */
export function nameKey(name: string): string {
  return name.trim().toLowerCase();
}

/** ContactNumber comparison for its uniqueness rule: trimmed, case-insensitive. */
export function contactNumberKey(contactNumber: string): string {
  return contactNumber.trim().toLowerCase();
}

export type Designation = 'customer' | 'supplier' | 'both' | 'general';

export function designationOf(
  c: Pick<StoredContact, 'IsCustomer' | 'IsSupplier'>,
): Designation {
  if (c.IsCustomer && c.IsSupplier) return 'both';
  if (c.IsCustomer) return 'customer';
  if (c.IsSupplier) return 'supplier';
  return 'general';
}
