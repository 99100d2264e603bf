import { findDrift, sameDrift } from './drift';

describe('findDrift', () => {
  const sent = {
    email: { value: 'ann@example.com', version: 3 },
    phone: { value: '021 555', version: 3 },
    firstName: { value: 'Ann', version: 1 },
    lastName: { value: 'Lee', version: 1 },
  };

  it('names each field Xero holds differently from what the POS last pushed, with both values', () => {
    const drift = findDrift({ sent }, { Name: 'Ann Lee', FirstName: 'Ann', LastName: 'Lee', EmailAddress: 'ann@xero-side.com', Phones: [{ PhoneType: 'DEFAULT', PhoneNumber: '021 555' }] });
    expect(drift).toEqual({ email: { pos: 'ann@example.com', xero: 'ann@xero-side.com' } });
  });

  it('finds nothing when Xero holds the POS values (blanks and absent values alike)', () => {
    expect(findDrift({ sent: { ...sent, fax: { value: '', version: 2 } } }, { FirstName: 'Ann', LastName: 'Lee', EmailAddress: 'ann@example.com', Phones: [{ PhoneType: 'DEFAULT', PhoneNumber: '021 555' }, { PhoneType: 'FAX', PhoneNumber: '' }] })).toEqual({});
  });

  it('a value cleared in Xero is drift to null', () => {
    expect(findDrift({ sent }, { FirstName: 'Ann', LastName: 'Lee', Phones: [{ PhoneType: 'DEFAULT', PhoneNumber: '021 555' }] })).toEqual({ email: { pos: 'ann@example.com', xero: null } });
  });

  it("a person's name edited in Xero is drift of that part, not of the company name, while Name stays what the POS sent", () => {
    const withCompany = { ...sent, companyName: { value: '', version: 1 } };
    expect(findDrift({ sent: withCompany }, { Name: 'Ann Lee', FirstName: 'Anna', LastName: 'Lee', EmailAddress: 'ann@example.com', Phones: [{ PhoneType: 'DEFAULT', PhoneNumber: '021 555' }] })).toEqual({
      firstName: { pos: 'Ann', xero: 'Anna' },
    });
    expect(findDrift({ sent: withCompany }, { Name: 'Lee Holdings', FirstName: 'Ann', LastName: 'Lee', EmailAddress: 'ann@example.com', Phones: [{ PhoneType: 'DEFAULT', PhoneNumber: '021 555' }] })).toEqual({
      companyName: { pos: null, xero: 'Lee Holdings' },
    });
  });

  it('sameDrift compares fields and values', () => {
    expect(sameDrift({}, undefined)).toBe(true);
    expect(sameDrift({ email: { pos: 'a', xero: 'b' } }, { email: { pos: 'a', xero: 'b' } })).toBe(true);
    expect(sameDrift({ email: { pos: 'a', xero: 'b' } }, { email: { pos: 'a', xero: 'c' } })).toBe(false);
  });
});
