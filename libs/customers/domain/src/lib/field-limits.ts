import { AddressPart, CustomerField } from './customer.types';

/**
 * The longest value each field may hold, taken from Xero's limits (xero-api-notes, OpenAPI
 * Contact/Phone/Address) so that a customer the POS accepts is never refused by Xero for length.
 */
export const FIELD_MAX_LENGTH: Record<Exclude<CustomerField, 'physicalAddress' | 'postalAddress'>, number> = {
  customerCode: 50, // AccountNumber
  firstName: 255,
  lastName: 255,
  companyName: 255, // Name
  email: 255,
  phone: 50,
  mobile: 50,
  fax: 50,
  taxNumber: 50,
  note: 4000, // POS only
};

export const ADDRESS_MAX_LENGTH: Record<AddressPart, number> = {
  line1: 500,
  line2: 500,
  suburb: 500, // AddressLine3
  city: 255,
  state: 255, // Region
  postcode: 50,
  country: 50,
};

/** Xero's Name limit, which "firstName lastName" must also respect when there is no company name. */
export const NAME_MAX_LENGTH = 255;
