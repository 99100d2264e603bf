import { XeroContact, fromXeroContact } from '@pos/customers-domain';
import { CONTACT_STATUSES, ContactFieldsDto, ContactStatus, ImportedContactDto } from '@pos/sync-contracts';

/** A Xero contact as an import page carries it: what matching needs as Xero spells it, and its mapped POS fields. */
export function toImportedContact(c: XeroContact & { ContactID: string }): ImportedContactDto {
  const status = (CONTACT_STATUSES as readonly string[]).includes(c.ContactStatus ?? '') ? (c.ContactStatus as ContactStatus) : 'ACTIVE';
  const out: ImportedContactDto = {
    xeroContactId: c.ContactID,
    contactStatus: status,
    isCustomer: c.IsCustomer === true,
    isSupplier: c.IsSupplier === true,
    fields: fromXeroContact(c) as ContactFieldsDto,
  };
  if (c.ContactNumber) out.contactNumber = c.ContactNumber;
  if (c.AccountNumber) out.accountNumber = c.AccountNumber;
  if (c.Name) out.name = c.Name;
  if (c.EmailAddress) out.emailAddress = c.EmailAddress;
  return out;
}

/** The contacts of a reply that can be imported (every contact Xero returns has a ContactID). */
export function importedContacts(contacts: XeroContact[] | undefined): ImportedContactDto[] {
  return (contacts ?? []).filter((c): c is XeroContact & { ContactID: string } => !!c.ContactID).map(toImportedContact);
}
