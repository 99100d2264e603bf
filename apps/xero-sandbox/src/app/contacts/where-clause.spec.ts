import { StoredContact } from './contact';
import { parseContactInput } from './contact-input';
import { applyPatch, blankContact } from './contact-merge';
import { WhereParseError, parseWhere } from './where-clause';

function contact(
  fields: Record<string, unknown>,
  extra: Partial<StoredContact> = {},
): StoredContact {
  return {
    ...applyPatch(
      blankContact(
        '11111111-1111-4111-8111-111111111111',
        Date.UTC(2024, 0, 10),
      ),
      parseContactInput(fields).patch,
    ),
    ...extra,
  };
}

describe('where clause', () => {
  const customer = contact(
    { Name: 'Acme Ltd', EmailAddress: 'a@acme.com' },
    { IsCustomer: true },
  );
  const supplier = contact(
    { Name: 'Parts Co', AccountNumber: 'P-1' },
    { IsSupplier: true },
  );
  const general = contact({ Name: 'General Person' });
  const archived = contact(
    { Name: 'Old Ltd', ContactStatus: 'ARCHIVED' },
    { IsCustomer: true },
  );
  const all = [customer, supplier, general, archived];
  const run = (where: string) =>
    all.filter(parseWhere(where)).map((c) => c.Name);

  it('combines ==, !=, AND, OR and parentheses', () => {
    expect(
      run(
        'ContactStatus=="ACTIVE" AND (IsCustomer==true OR IsSupplier==false)',
      ),
    ).toEqual(['Acme Ltd', 'General Person']);
    expect(run('IsCustomer==true && ContactStatus!="ARCHIVED"')).toEqual([
      'Acme Ltd',
    ]);
    expect(run('IsSupplier==true || Name=="Old Ltd"')).toEqual([
      'Parts Co',
      'Old Ltd',
    ]);
    expect(run('NOT IsCustomer')).toEqual(['Parts Co', 'General Person']);
  });

  it('compares text exactly except Name/EmailAddress/AccountNumber equality; ToLower, Contains, StartsWith, EndsWith and null checks', () => {
    expect(run('FirstName=="x"')).toEqual([]);
    expect(run('ContactStatus=="active"')).toEqual([]);
    expect(run('Name.ToLower()=="acme ltd"')).toEqual(['Acme Ltd']);
    expect(run('Name.Contains("Co")')).toEqual(['Parts Co']);
    expect(run('Name.StartsWith("Gen") OR Name.EndsWith("Ltd")')).toEqual([
      'Acme Ltd',
      'General Person',
      'Old Ltd',
    ]);
    expect(run('EmailAddress!=null')).toEqual(['Acme Ltd']);
    expect(run('AccountNumber==null AND IsSupplier==false')).toEqual([
      'Acme Ltd',
      'General Person',
      'Old Ltd',
    ]);
  });

  it('matches Name, EmailAddress and AccountNumber equality ignoring case and accents; accepts = for ==', () => {
    expect(run('Name=="ACME LTD"')).toEqual(['Acme Ltd']);
    expect(run('Name=="Ácmé Ltd"')).toEqual(['Acme Ltd']);
    expect(run('EmailAddress="A@ACME.COM"')).toEqual(['Acme Ltd']);
    expect(run('AccountNumber=="p-1"')).toEqual(['Parts Co']);
    expect(run('Name!="acme ltd" AND IsCustomer=true')).toEqual(['Old Ltd']);
    // Contains stays exact
    expect(run('Name.Contains("acme")')).toEqual([]);
  });

  it('refuses fields the reply leaves out (summaryOnly)', () => {
    expect(() =>
      parseWhere('IsCustomer==true', { unavailable: ['IsCustomer'] }),
    ).toThrow(/summaryOnly/);
    expect(() =>
      parseWhere('Name=="x"', { unavailable: ['IsCustomer'] }),
    ).not.toThrow();
  });

  it('reads Guid() and DateTime() literals', () => {
    expect(
      run(
        'ContactID==Guid("11111111-1111-4111-8111-111111111111") AND Name=="Parts Co"',
      ),
    ).toEqual(['Parts Co']);
    expect(run('UpdatedDateUTC>=DateTime(2024,01,10)')).toHaveLength(4);
    expect(run('UpdatedDateUTC>DateTime(2024,01,10,0,0,1)')).toHaveLength(0);
  });

  it.each([
    ['Unknown=="x"', /No property or field 'Unknown'/],
    ['IsCustomer=="true"', /incompatible/],
    ['Name==', /Unexpected token/],
    ['(Name=="x"', /Expected '\)'/],
    ['Name=="x" extra', /Unexpected input/],
    ['IsCustomer>true', /not defined/],
    ['ContactID=="11111111-1111-4111-8111-111111111111"', /incompatible/],
  ])('refuses %s', (where, message) => {
    expect(() => parseWhere(where)).toThrow(WhereParseError);
    expect(() => parseWhere(where)).toThrow(message);
  });
});
