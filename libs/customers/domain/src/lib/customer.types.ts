/** A postal or physical address as the POS keeps it. */
export interface Address {
  line1?: string;
  line2?: string;
  suburb?: string;
  city?: string;
  postcode?: string;
  state?: string;
  country?: string;
}

export const ADDRESS_PARTS = ['line1', 'line2', 'suburb', 'city', 'postcode', 'state', 'country'] as const;
export type AddressPart = (typeof ADDRESS_PARTS)[number];

/** The customer details the POS is master of. Absent means empty. */
export interface CustomerFields {
  customerCode?: string;
  firstName?: string;
  lastName?: string;
  companyName?: string;
  email?: string;
  phone?: string;
  mobile?: string;
  fax?: string;
  physicalAddress?: Address;
  postalAddress?: Address;
  taxNumber?: string;
  note?: string;
}

export type CustomerField = keyof CustomerFields;

/** Every field a request may carry, in display order. */
export const CUSTOMER_FIELDS: readonly CustomerField[] = [
  'customerCode',
  'firstName',
  'lastName',
  'companyName',
  'email',
  'phone',
  'mobile',
  'fax',
  'physicalAddress',
  'postalAddress',
  'taxNumber',
  'note',
];

/** Fields that have a place in the Xero contact (DESIGN §5). `note` stays in the POS. */
export type MappedField = Exclude<CustomerField, 'note'>;
export const MAPPED_FIELDS: readonly MappedField[] = CUSTOMER_FIELDS.filter((f): f is MappedField => f !== 'note');

/** What a `customer.changed` event carries: the mapped fields plus the stable id. */
export type CustomerSnapshot = { id: string } & Pick<CustomerFields, MappedField>;

export function isMappedField(field: string): field is MappedField {
  return (MAPPED_FIELDS as readonly string[]).includes(field);
}
