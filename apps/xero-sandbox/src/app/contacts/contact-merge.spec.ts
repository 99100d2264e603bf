import { parseContactInput } from './contact-input';
import { applyPatch, blankContact } from './contact-merge';

describe('applyPatch', () => {
  const base = () => {
    const c = blankContact('11111111-1111-4111-8111-111111111111', 0);
    return applyPatch(
      c,
      parseContactInput({
        Name: 'Base',
        EmailAddress: 'base@example.com',
        AccountNumber: 'A1',
        Phones: [
          { PhoneType: 'DEFAULT', PhoneNumber: '1' },
          { PhoneType: 'MOBILE', PhoneNumber: '2' },
        ],
        Addresses: [
          { AddressType: 'STREET', AddressLine1: 'S' },
          { AddressType: 'POBOX', AddressLine1: 'P' },
        ],
        ContactPersons: [{ FirstName: 'A' }, { FirstName: 'B' }],
      }).patch,
    );
  };

  it('keeps omitted fields and clears fields sent empty', () => {
    const next = applyPatch(
      base(),
      parseContactInput({ EmailAddress: '', FirstName: 'New' }).patch,
    );
    expect(next).toMatchObject({
      Name: 'Base',
      AccountNumber: 'A1',
      FirstName: 'New',
    });
    expect(next.EmailAddress).toBeUndefined();
  });

  it('merges phones and addresses by type and replaces contact persons as a whole', () => {
    const next = applyPatch(
      base(),
      parseContactInput({
        Phones: [
          { PhoneType: 'MOBILE', PhoneNumber: '' },
          { PhoneType: 'FAX', PhoneNumber: '3' },
        ],
        Addresses: [{ AddressType: 'POBOX', AddressLine1: 'P2', City: 'C' }],
        ContactPersons: [{ FirstName: 'C' }],
      }).patch,
    );
    expect(Object.keys(next.Phones).sort()).toEqual(['DEFAULT', 'FAX']);
    expect(next.Addresses.STREET?.AddressLine1).toBe('S');
    expect(next.Addresses.POBOX).toMatchObject({
      AddressLine1: 'P2',
      City: 'C',
    });
    expect(next.ContactPersons).toEqual([{ FirstName: 'C' }]);
  });

  it('does not touch the original', () => {
    const b = base();
    applyPatch(
      b,
      parseContactInput({
        Name: 'Changed',
        Phones: [{ PhoneType: 'DEFAULT', PhoneNumber: '' }],
      }).patch,
    );
    expect(b.Name).toBe('Base');
    expect(b.Phones.DEFAULT?.PhoneNumber).toBe('1');
  });
});
