import {
  ADDRESS_TYPES,
  PHONE_TYPES,
  StoredContact,
  StringField,
  cloneContact,
} from './contact';
import { ContactPatch } from './contact-input';

/**
 * Applies a request element to a contact the way Xero does: fields left out keep their value, "" clears a
 * field, phones and addresses merge by type (an entry replaces its type; an empty number / empty address
 * clears it), contact persons are replaced as a whole. Returns a new object; `existing` is not touched.
 */
export function applyPatch(
  existing: StoredContact,
  patch: ContactPatch,
): StoredContact {
  const next = cloneContact(existing);
  for (const [field, value] of Object.entries(patch.strings) as Array<
    [StringField, string]
  >) {
    if (field === 'Name') {
      next.Name = value;
      continue;
    }
    if (value === '') delete next[field];
    else next[field] = value;
  }
  if (patch.ContactStatus) next.ContactStatus = patch.ContactStatus;
  if (patch.TaxNumberType !== undefined) {
    if (patch.TaxNumberType === '') delete next.TaxNumberType;
    else next.TaxNumberType = patch.TaxNumberType;
  }
  if (patch.SalesDefaultLineAmountType)
    next.SalesDefaultLineAmountType = patch.SalesDefaultLineAmountType;
  if (patch.PurchasesDefaultLineAmountType)
    next.PurchasesDefaultLineAmountType = patch.PurchasesDefaultLineAmountType;
  for (const type of PHONE_TYPES) {
    if (!(type in patch.phones)) continue;
    const phone = patch.phones[type];
    if (phone) next.Phones[type] = { ...phone };
    else delete next.Phones[type];
  }
  for (const type of ADDRESS_TYPES) {
    if (!(type in patch.addresses)) continue;
    const address = patch.addresses[type];
    if (address) next.Addresses[type] = { ...address };
    else delete next.Addresses[type];
  }
  if (patch.contactPersons)
    next.ContactPersons = patch.contactPersons.map((p) => ({ ...p }));
  return next;
}

/** A blank contact for a create; the caller fills ContactID and dates. */
export function blankContact(id: string, now: number): StoredContact {
  return {
    ContactID: id,
    ContactStatus: 'ACTIVE',
    Name: '',
    Phones: {},
    Addresses: {},
    ContactPersons: [],
    IsCustomer: false,
    IsSupplier: false,
    UpdatedDateUTC: now,
    CreatedDateUTC: now,
  };
}
