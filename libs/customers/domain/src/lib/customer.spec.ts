import {
  applyPatch,
  changedMappedFields,
  displayName,
  normaliseFields,
  normaliseForSearch,
  searchKeys,
  searchPrefixes,
  toSnapshot,
  validateCustomer,
} from './customer';
import { CustomerFields } from './customer.types';
import { NAME_MAX_LENGTH } from './field-limits';

describe('displayName', () => {
  it('is the company name when there is one', () => {
    expect(displayName({ companyName: ' Acme Ltd ', firstName: 'Ada', lastName: 'L' })).toBe('Acme Ltd');
  });
  it('is "firstName lastName" otherwise, skipping what is missing', () => {
    expect(displayName({ firstName: 'Ada', lastName: 'Lovelace' })).toBe('Ada Lovelace');
    expect(displayName({ lastName: 'Lovelace' })).toBe('Lovelace');
    expect(displayName({ firstName: ' Ada ', companyName: '  ' })).toBe('Ada');
    expect(displayName({})).toBe('');
  });
});

describe('normaliseFields', () => {
  it('trims, and drops empty strings, nulls, unknown keys and empty addresses', () => {
    const input = {
      firstName: '  Ada ',
      lastName: '',
      email: null,
      phone: '   ',
      physicalAddress: { line1: ' 1 Main St ', city: '' },
      postalAddress: { line1: ' ', city: '' },
      retailerId: 'not a customer field',
    } as unknown as CustomerFields;
    expect(normaliseFields(input)).toEqual({ firstName: 'Ada', physicalAddress: { line1: '1 Main St' } });
  });

  it('keeps only the known address parts', () => {
    const input = { firstName: 'A', physicalAddress: { line1: 'x', $where: 'y' } } as unknown as CustomerFields;
    expect(normaliseFields(input)).toEqual({ firstName: 'A', physicalAddress: { line1: 'x' } });
  });
});

describe('validateCustomer', () => {
  it('accepts a company name, a first name or a last name', () => {
    for (const f of [{ companyName: 'Acme' }, { firstName: 'Ada' }, { lastName: 'L' }]) expect(validateCustomer(f).ok).toBe(true);
  });

  it('refuses a customer without any name, naming the fields', () => {
    const r = validateCustomer({ email: 'x@example.com' });
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.code).toBe('CUSTOMER.NAME_REQUIRED');
      expect(r.error.details).toEqual({ fields: ['companyName', 'firstName', 'lastName'] });
    }
  });

  it("refuses a person's name longer than Xero's Name limit; a long company name is checked by the field limits", () => {
    const r = validateCustomer({ firstName: 'a'.repeat(200), lastName: 'b'.repeat(NAME_MAX_LENGTH - 200) });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.code).toBe('CUSTOMER.NAME_TOO_LONG');
    expect(validateCustomer({ firstName: 'a'.repeat(100), lastName: 'b'.repeat(NAME_MAX_LENGTH - 101) }).ok).toBe(true);
    expect(validateCustomer({ companyName: 'c'.repeat(NAME_MAX_LENGTH), firstName: 'a'.repeat(200), lastName: 'b'.repeat(200) }).ok).toBe(true);
  });
});

describe('applyPatch', () => {
  const current: CustomerFields = {
    firstName: 'Ada',
    lastName: 'Lovelace',
    email: 'ada@example.com',
    phone: '09 555',
    physicalAddress: { line1: '1 Main St', suburb: 'Ponsonby', city: 'Auckland' },
    note: 'vip',
  };

  it('sets what the patch sets and leaves what it does not mention', () => {
    expect(applyPatch(current, { email: 'new@example.com', mobile: '021' })).toEqual({ ...current, email: 'new@example.com', mobile: '021' });
  });

  it('clears a field set to null or to an empty string', () => {
    const next = applyPatch(current, { phone: null, email: '  ' });
    expect(next).not.toHaveProperty('phone');
    expect(next).not.toHaveProperty('email');
    expect(next.firstName).toBe('Ada');
  });

  it('treats an undefined value as absent, not as a clear', () => {
    expect(applyPatch(current, { phone: undefined, firstName: undefined })).toEqual(current);
  });

  it('merges an address part by part: a part set changes, a null part clears, an absent part stays', () => {
    const next = applyPatch(current, { physicalAddress: { city: 'Wellington', suburb: null } as never });
    expect(next.physicalAddress).toEqual({ line1: '1 Main St', city: 'Wellington' });
  });

  it('clears a whole address set to null, and drops an address whose parts are all cleared', () => {
    expect(applyPatch(current, { physicalAddress: null })).not.toHaveProperty('physicalAddress');
    const emptied = applyPatch(current, { physicalAddress: { line1: null, suburb: '', city: null } as never });
    expect(emptied).not.toHaveProperty('physicalAddress');
  });

  it('starts a new address from nothing', () => {
    expect(applyPatch(current, { postalAddress: { line1: 'PO Box 1' } }).postalAddress).toEqual({ line1: 'PO Box 1' });
  });

  it('does not change the current fields it was given', () => {
    const before = JSON.stringify(current);
    applyPatch(current, { firstName: 'X', physicalAddress: { city: 'Y' } });
    expect(JSON.stringify(current)).toBe(before);
  });

  it('normalises what it produces', () => {
    expect(applyPatch({ firstName: 'Ada' }, { lastName: '  Lovelace  ' })).toEqual({ firstName: 'Ada', lastName: 'Lovelace' });
  });
});

describe('changedMappedFields', () => {
  const before: CustomerFields = { firstName: 'Ada', email: 'a@x.com', physicalAddress: { line1: '1 Main St', city: 'Akl' }, note: 'n' };

  it('lists the mapped fields whose values differ, in mapping order', () => {
    const after = { ...before, email: 'b@x.com', phone: '1', firstName: 'Ada' };
    expect(changedMappedFields(before, after)).toEqual(['email', 'phone']);
  });

  it('never lists the note, which Xero does not hold', () => {
    expect(changedMappedFields(before, { ...before, note: 'changed' })).toEqual([]);
  });

  it('compares addresses by their parts', () => {
    expect(changedMappedFields(before, { ...before, physicalAddress: { city: 'Akl', line1: '1 Main St' } })).toEqual([]);
    expect(changedMappedFields(before, { ...before, physicalAddress: { line1: '1 Main St' } })).toEqual(['physicalAddress']);
    expect(changedMappedFields(before, { firstName: 'Ada', email: 'a@x.com', note: 'n' })).toEqual(['physicalAddress']);
  });

  it('counts a cleared field as a change', () => {
    expect(changedMappedFields(before, { ...before, email: undefined })).toEqual(['email']);
  });
});

describe('toSnapshot', () => {
  it('holds the id and the mapped fields that have a value, never the note', () => {
    expect(toSnapshot('c-1', { firstName: 'Ada', email: undefined, note: 'secret', postalAddress: { line1: 'PO Box 1' } })).toEqual({
      id: 'c-1',
      firstName: 'Ada',
      postalAddress: { line1: 'PO Box 1' },
    });
  });
});

describe('search keys', () => {
  it('are the lower-cased, accent-free names, email and code, and the digits of phone and mobile', () => {
    const keys = searchKeys({
      firstName: 'Zoë',
      lastName: 'Ålander',
      companyName: 'Crème Brûlée Co',
      email: 'Zoe@Example.COM',
      customerCode: 'ZA-01',
      phone: '+64 (9) 555-0100',
      mobile: '021 777',
      fax: '09 999',
    });
    expect(keys.sort()).toEqual(['021777', '6495550100', 'alander', 'creme brulee co', 'za-01', 'zoe', 'zoe@example.com'].sort());
  });

  it('include "firstName lastName" when there is no company', () => {
    expect(searchKeys({ firstName: 'Ada', lastName: 'Lovelace' })).toEqual(['ada lovelace', 'ada', 'lovelace']);
  });

  it('normalise like the stored keys', () => {
    expect(normaliseForSearch('  ÉCOLE  ')).toBe('ecole');
    expect(normaliseForSearch(undefined)).toBe('');
  });

  it('search a phone number typed with formatting by its digits as well', () => {
    expect(searchPrefixes('(09) 555-01')).toEqual(['(09) 555-01', '0955501']);
    expect(searchPrefixes('+64 9')).toEqual(['+64 9', '649']);
    expect(searchPrefixes('0955')).toEqual(['0955']);
    expect(searchPrefixes('Zoë')).toEqual(['zoe']);
  });
});
