import { CustomerSnapshot } from './customer.types';
import { fromXeroContact, toXeroContact, xeroContactUrl } from './xero-contact.mapper';

const ada: CustomerSnapshot = {
  id: 'c-1',
  customerCode: 'C-1001',
  firstName: 'Ada',
  lastName: 'Lovelace',
  email: 'ada@example.com',
  phone: '09 555 0100',
  mobile: '021 555',
  physicalAddress: { line1: '1 Engine St', line2: 'Level 2', suburb: 'Ponsonby', city: 'Auckland', postcode: '1011', state: 'AKL', country: 'NZ' },
  taxNumber: '123-456',
};

describe('toXeroContact: full push', () => {
  it('carries every mapped field, with the POS id as ContactNumber and the Name derived from the person', () => {
    expect(toXeroContact(ada)).toEqual({
      ContactNumber: 'c-1',
      Name: 'Ada Lovelace',
      AccountNumber: 'C-1001',
      FirstName: 'Ada',
      LastName: 'Lovelace',
      EmailAddress: 'ada@example.com',
      TaxNumber: '123-456',
      Phones: [
        { PhoneType: 'DEFAULT', PhoneNumber: '09 555 0100' },
        { PhoneType: 'MOBILE', PhoneNumber: '021 555' },
        { PhoneType: 'FAX', PhoneNumber: '' },
      ],
      Addresses: [
        {
          AddressType: 'STREET',
          AddressLine1: '1 Engine St',
          AddressLine2: 'Level 2',
          AddressLine3: 'Ponsonby',
          City: 'Auckland',
          Region: 'AKL',
          PostalCode: '1011',
          Country: 'NZ',
        },
        { AddressType: 'POBOX', AddressLine1: '', AddressLine2: '', AddressLine3: '', City: '', Region: '', PostalCode: '', Country: '' },
      ],
    });
  });

  it('uses the company name as Name when there is one', () => {
    expect(toXeroContact({ ...ada, companyName: 'Analytical Engines' }).Name).toBe('Analytical Engines');
  });

  it('names the contact it updates and keeps ContactNumber (a full push may be the first for that contact)', () => {
    const c = toXeroContact(ada, { contactId: 'x-1' });
    expect(c).toMatchObject({ ContactID: 'x-1', ContactNumber: 'c-1' });
  });

  it('sends an empty string for every field the POS has empty, so Xero clears it', () => {
    const c = toXeroContact({ id: 'c-2', companyName: 'Bare Ltd' });
    expect(c).toMatchObject({ AccountNumber: '', FirstName: '', LastName: '', EmailAddress: '', TaxNumber: '', Name: 'Bare Ltd' });
    expect(c.Phones?.every((p) => p.PhoneNumber === '')).toBe(true);
    expect(c.Addresses?.every((a) => Object.entries(a).every(([k, v]) => k === 'AddressType' || v === ''))).toBe(true);
  });
});

describe('toXeroContact: partial push', () => {
  it('carries only the changed fields of a linked contact (Xero keeps what is left out)', () => {
    expect(toXeroContact(ada, { fields: ['email'], contactId: 'x-1' })).toEqual({ ContactID: 'x-1', EmailAddress: 'ada@example.com' });
  });

  it('sends Name with any change to a name it is derived from', () => {
    expect(toXeroContact(ada, { fields: ['lastName'], contactId: 'x-1' })).toEqual({ ContactID: 'x-1', LastName: 'Lovelace', Name: 'Ada Lovelace' });
    expect(toXeroContact({ ...ada, companyName: 'Acme' }, { fields: ['companyName'], contactId: 'x-1' })).toEqual({ ContactID: 'x-1', Name: 'Acme' });
  });

  it('clears a removed field: an empty string, an empty phone number, an empty address', () => {
    const cleared: CustomerSnapshot = { id: 'c-1', firstName: 'Ada' };
    expect(toXeroContact(cleared, { fields: ['email', 'mobile', 'postalAddress'], contactId: 'x-1' })).toEqual({
      ContactID: 'x-1',
      EmailAddress: '',
      Phones: [{ PhoneType: 'MOBILE', PhoneNumber: '' }],
      Addresses: [{ AddressType: 'POBOX', AddressLine1: '', AddressLine2: '', AddressLine3: '', City: '', Region: '', PostalCode: '', Country: '' }],
    });
  });

  it('sends only the phones and addresses that changed', () => {
    const c = toXeroContact(ada, { fields: ['fax', 'physicalAddress'], contactId: 'x-1' });
    expect(c.Phones).toEqual([{ PhoneType: 'FAX', PhoneNumber: '' }]);
    expect(c.Addresses?.map((a) => a.AddressType)).toEqual(['STREET']);
  });

  it('carries ContactNumber when there is no contact yet (the push creates it)', () => {
    expect(toXeroContact(ada, { fields: ['email'] })).toEqual({ ContactNumber: 'c-1', EmailAddress: 'ada@example.com' });
  });
});

describe('fromXeroContact', () => {
  it('reads a person contact back as the POS fields it was written from', () => {
    const roundTrip = fromXeroContact(toXeroContact(ada));
    expect(roundTrip).toEqual({
      customerCode: 'C-1001',
      firstName: 'Ada',
      lastName: 'Lovelace',
      email: 'ada@example.com',
      phone: '09 555 0100',
      mobile: '021 555',
      physicalAddress: ada.physicalAddress,
      taxNumber: '123-456',
    });
  });

  it('reads a Name that is not "FirstName LastName" as the company name', () => {
    expect(fromXeroContact({ Name: 'Acme Ltd', FirstName: 'Wile', LastName: 'Coyote' })).toEqual({ companyName: 'Acme Ltd', firstName: 'Wile', lastName: 'Coyote' });
    expect(fromXeroContact({ Name: 'Acme Ltd' })).toEqual({ companyName: 'Acme Ltd' });
  });

  it('joins phone parts and folds AddressLine4 into line2', () => {
    const f = fromXeroContact({
      Name: 'P',
      Phones: [
        { PhoneType: 'DEFAULT', PhoneCountryCode: '64', PhoneAreaCode: '9', PhoneNumber: '555 0100' },
        { PhoneType: 'DDI', PhoneNumber: '1' },
        { PhoneType: 'FAX', PhoneNumber: '' },
      ],
      Addresses: [
        { AddressType: 'POBOX', AddressLine1: 'PO Box 1', AddressLine2: 'Suite 2', AddressLine4: 'Rear', City: 'Akl' },
        { AddressType: 'STREET', AddressLine1: '', City: '' },
      ],
    });
    expect(f).toEqual({ companyName: 'P', phone: '64 9 555 0100', postalAddress: { line1: 'PO Box 1', line2: 'Suite 2, Rear', city: 'Akl' } });
  });
});

describe('xeroContactUrl', () => {
  it("deep-links into the organisation's contact", () => {
    expect(xeroContactUrl('!Ab3', 'abc-123')).toBe('https://go.xero.com/organisationlogin/default.aspx?shortcode=!Ab3&redirecturl=/Contacts/View/abc-123');
  });
});
