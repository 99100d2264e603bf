import { parseContactInput } from './contact-input';
import { applyPatch, blankContact } from './contact-merge';
import { contactJson, errorElementJson } from './contact-view';

describe('contactJson', () => {
  const c = applyPatch(
    blankContact('11111111-1111-4111-8111-111111111111', 1503348544227),
    parseContactInput({
      Name: 'View Ltd',
      Phones: [{ PhoneType: 'OFFICE', PhoneNumber: '9' }],
      SalesDefaultLineAmountType: 'INCLUSIVE',
    }).patch,
  );
  c.MergedToContactID = '22222222-2222-4222-8222-222222222222';

  it('lists every phone type, OFFICE only when set, and both address types', () => {
    const j = contactJson(c, { detailed: true });
    expect(
      (j['Phones'] as Array<Record<string, string>>).map((p) => p['PhoneType']),
    ).toEqual(['DEFAULT', 'DDI', 'FAX', 'MOBILE', 'OFFICE']);
    expect(
      (j['Addresses'] as Array<Record<string, string>>).map(
        (a) => a['AddressType'],
      ),
    ).toEqual(['STREET', 'POBOX']);
    expect(j['UpdatedDateUTC']).toBe('/Date(1503348544227+0000)/');
  });

  it('shows MergedToContactID and line amount types only in detailed views', () => {
    expect(contactJson(c, { detailed: true })).toMatchObject({
      MergedToContactID: c.MergedToContactID,
      SalesDefaultLineAmountType: 'INCLUSIVE',
    });
    const list = contactJson(c, { detailed: false });
    expect(list['MergedToContactID']).toBeUndefined();
    expect(list['SalesDefaultLineAmountType']).toBeUndefined();
  });

  it("leaves out of summaryOnly exactly the fields Xero's lightweight contact omits", () => {
    const rich = { ...c, SalesDefaultAccountCode: '200', Website: 'x.com' };
    rich.Balances = {
      AccountsReceivable: { Outstanding: 1, Overdue: 0 },
      AccountsPayable: { Outstanding: 0, Overdue: 0 },
    };
    const s = contactJson(rich, { detailed: false, summaryOnly: true });
    for (const k of [
      'Addresses',
      'ContactPersons',
      'ContactGroups',
      'Balances',
      'IsCustomer',
      'IsSupplier',
      'SalesDefaultAccountCode',
    ])
      expect(s[k]).toBeUndefined();
    expect(s).toMatchObject({
      Phones: expect.any(Array),
      Website: 'x.com',
      HasAttachments: false,
      MergedToContactID: c.MergedToContactID,
    });
  });

  it('keeps the paged-only fields out of an unpaged list', () => {
    const rich = {
      ...c,
      SalesDefaultAccountCode: '200',
      Website: 'x.com',
      Discount: 5,
    };
    const list = contactJson(rich, { detailed: false });
    for (const k of [
      'ContactPersons',
      'Website',
      'Discount',
      'Balances',
      'ContactGroups',
      'SalesDefaultAccountCode',
      'HasAttachments',
      'MergedToContactID',
    ])
      expect(list[k]).toBeUndefined();
    expect(contactJson(rich, { detailed: true })).toMatchObject({
      ContactPersons: [],
      Website: 'x.com',
      Discount: 5,
      ContactGroups: [],
      SalesDefaultAccountCode: '200',
      HasAttachments: false,
    });
  });

  it('echoes a refused element with the zero ContactID of a new contact', () => {
    expect(errorElementJson({ Name: 'X' }, undefined, ['bad'])).toEqual({
      ContactID: '00000000-0000-0000-0000-000000000000',
      Name: 'X',
      HasValidationErrors: true,
      ValidationErrors: [{ Message: 'bad' }],
    });
  });
});
