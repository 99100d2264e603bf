import {
  isValidEmail,
  isValidWebsite,
  parseContactInput,
} from './contact-input';

describe('parseContactInput', () => {
  it('reads PascalCase fields, ignores read-only and unknown ones', () => {
    const { patch, errors } = parseContactInput({
      Name: '  Acme  ',
      EmailAddress: 'a@example.com',
      IsCustomer: true,
      IsSupplier: true,
      Website: 'http://x.example',
      Balances: {},
      name: 'camelCase is not Xero JSON',
      Whatever: 1,
    });
    expect(errors).toEqual([]);
    expect(patch.strings).toEqual({
      Name: 'Acme',
      EmailAddress: 'a@example.com',
    });
  });

  it('checks lengths, types, enums and email addresses (ASCII only)', () => {
    const { errors } = parseContactInput({
      Name: 123,
      TaxNumber: 'T'.repeat(51),
      EmailAddress: 'jürgen@example.de',
      ContactStatus: 'DELETED',
      Phones: [{ PhoneType: 'PAGER', PhoneNumber: '1' }],
      Addresses: [{ AddressType: 'DELIVERY' }],
    });
    expect(errors).toEqual([
      'The value supplied for Name is not valid.',
      'Email address must be valid.',
      'Tax number must not be more than 50 characters long.',
      "'DELETED' is not a valid value for ContactStatus.",
      "'PAGER' is not a valid value for PhoneType.",
      "'DELIVERY' is not a valid value for AddressType.",
    ]);
  });

  it('turns phones into per-type replacements: empty number clears, no type is ignored', () => {
    const { patch } = parseContactInput({
      Phones: [
        { PhoneNumber: 'no type' },
        { PhoneType: 'MOBILE', PhoneNumber: '' },
        { PhoneType: 'DDI', PhoneNumber: '5', PhoneAreaCode: '09' },
      ],
    });
    expect(patch.phones).toEqual({
      MOBILE: null,
      DDI: {
        PhoneType: 'DDI',
        PhoneNumber: '5',
        PhoneAreaCode: '09',
        PhoneCountryCode: '',
      },
    });
  });

  it('turns an address with only empty values into a clear', () => {
    const { patch } = parseContactInput({
      Addresses: [{ AddressType: 'STREET', City: '' }],
    });
    expect(patch.addresses).toEqual({ STREET: null });
  });

  it('refuses GDPRREQUEST and an invalid ContactID', () => {
    expect(
      parseContactInput({ ContactStatus: 'GDPRREQUEST' }).errors,
    ).toHaveLength(1);
    expect(parseContactInput({ ContactID: 'abc' }).errors).toEqual([
      "'abc' is not a valid ContactID.",
    ]);
  });

  it('validates emails and websites', () => {
    expect(isValidEmail('first.last+tag@sub.example.co.nz')).toBe(true);
    expect(isValidEmail('no-at-sign')).toBe(false);
    expect(isValidEmail('a@b')).toBe(false);
    expect(isValidWebsite('www.example.com')).toBe(true);
    expect(isValidWebsite('https://example.com/path')).toBe(true);
    expect(isValidWebsite('not a website')).toBe(false);
  });
});
