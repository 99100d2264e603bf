import { importedContacts, toImportedContact } from './contact-page.mapper';

describe('a Xero contact as an import page carries it', () => {
  it('keeps what matching needs as Xero spells it, beside the mapped POS fields', () => {
    const c = toImportedContact({
      ContactID: 'c-1',
      ContactStatus: 'ACTIVE',
      ContactNumber: 'cust-9',
      AccountNumber: 'ACC-2',
      Name: 'Coded Limited',
      FirstName: 'Ada',
      LastName: 'Lovelace',
      EmailAddress: 'ada@example.com',
      IsCustomer: true,
      IsSupplier: false,
      Phones: [{ PhoneType: 'MOBILE', PhoneNumber: '021 555 0100' }],
    });
    expect(c).toEqual({
      xeroContactId: 'c-1',
      contactStatus: 'ACTIVE',
      isCustomer: true,
      isSupplier: false,
      contactNumber: 'cust-9',
      accountNumber: 'ACC-2',
      name: 'Coded Limited',
      emailAddress: 'ada@example.com',
      fields: { customerCode: 'ACC-2', firstName: 'Ada', lastName: 'Lovelace', companyName: 'Coded Limited', email: 'ada@example.com', mobile: '021 555 0100' },
    });
  });

  it('reads missing designations as false and keeps archived and GDPR statuses', () => {
    expect(toImportedContact({ ContactID: 'g', Name: 'General' })).toMatchObject({ isCustomer: false, isSupplier: false, contactStatus: 'ACTIVE' });
    expect(toImportedContact({ ContactID: 'a', Name: 'Old', ContactStatus: 'ARCHIVED' }).contactStatus).toBe('ARCHIVED');
    expect(toImportedContact({ ContactID: 'd', Name: 'Gone', ContactStatus: 'GDPRREQUEST' }).contactStatus).toBe('GDPRREQUEST');
  });

  it('leaves out a contact without a ContactID', () => {
    expect(importedContacts([{ Name: 'No id' }, { ContactID: 'x', Name: 'Has id' }]).map((c) => c.xeroContactId)).toEqual(['x']);
    expect(importedContacts(undefined)).toEqual([]);
  });
});
