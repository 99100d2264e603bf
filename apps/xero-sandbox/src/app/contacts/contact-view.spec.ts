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

  it('leaves heavy fields out of summaryOnly', () => {
    const s = contactJson(c, { detailed: false, summaryOnly: true });
    for (const k of [
      'Phones',
      'Addresses',
      'ContactPersons',
      'ContactGroups',
      'Balances',
    ])
      expect(s[k]).toBeUndefined();
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
