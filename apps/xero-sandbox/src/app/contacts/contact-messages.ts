/**
 * Validation messages. The name-clash message is Xero's exact wording (see xero-api-notes.md and the
 * createContacts 400 example in xero_accounting.yaml). "Website must be valid" is quoted in the notes; the
 * others follow the same style.
 */
export const Messages = {
  nameRequired: 'The contact name must be specified.',
  nameTaken: (name: string) =>
    `The contact name ${name} is already assigned to another contact. The contact name must be unique across all active contacts.`,
  /** Worded like the name clash (Xero's exact wording for this one is not documented). */
  contactNumberTaken: (contactNumber: string) =>
    `The contact number ${contactNumber} is already assigned to another contact. The contact number must be unique across all contacts.`,
  archivedNotEditable:
    'This contact is archived and cannot be edited: restore it first by setting only ContactStatus to ACTIVE.',
  mergedCannotBeRestored:
    'This contact has been merged into another contact and cannot be restored.',
  tooManyContactPersons: (max: number) =>
    `A contact can have at most ${max} contact persons.`,
  noContacts: 'At least one contact must be supplied.',
  tooLong: (label: string, max: number) =>
    `${label} must not be more than ${max} characters long.`,
  emailInvalid: 'Email address must be valid.',
  websiteInvalid: 'Website must be valid',
  notAString: (field: string) =>
    `The value supplied for ${field} is not valid.`,
  notInEnum: (field: string, value: string) =>
    `'${value}' is not a valid value for ${field}.`,
  contactNotFound: (id: string) =>
    `The contact with ContactID ${id} could not be found.`,
  invalidContactId: (id: string) => `'${id}' is not a valid ContactID.`,
  createWithId: (id: string) =>
    `A contact with ContactID ${id} cannot be created: use POST to update an existing contact.`,
  statusNotSettable: (status: string) =>
    `Contact status ${status} cannot be set through the API.`,
} as const;

export const FIELD_LABELS: Record<string, string> = {
  ContactNumber: 'Contact number',
  AccountNumber: 'Account number',
  Name: 'Contact name',
  FirstName: 'First name',
  LastName: 'Last name',
  CompanyNumber: 'Company number',
  EmailAddress: 'Email address',
  TaxNumber: 'Tax number',
  PhoneNumber: 'Phone number',
  PhoneAreaCode: 'Phone area code',
  PhoneCountryCode: 'Phone country code',
  AddressLine1: 'Address line 1',
  AddressLine2: 'Address line 2',
  AddressLine3: 'Address line 3',
  AddressLine4: 'Address line 4',
  City: 'City',
  Region: 'Region',
  PostalCode: 'Postal code',
  Country: 'Country',
  AttentionTo: 'Attention to',
};
