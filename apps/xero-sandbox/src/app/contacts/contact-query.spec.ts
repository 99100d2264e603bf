import { StoredContact } from './contact';
import { parseContactInput } from './contact-input';
import { applyPatch, blankContact } from './contact-merge';
import { QueryError, runContactQuery } from './contact-query';

let n = 0;
function contact(
  name: string,
  extra: Partial<StoredContact> = {},
  fields: Record<string, unknown> = {},
): StoredContact {
  n++;
  const id = `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
  return {
    ...applyPatch(
      blankContact(id, n * 1000),
      parseContactInput({ Name: name, ...fields }).patch,
    ),
    ...extra,
  };
}

describe('runContactQuery', () => {
  const list = [
    contact('charlie', {}, { EmailAddress: 'c@example.com' }),
    contact('Alpha'),
    contact('bravo', { IsCustomer: true }, { FirstName: 'Findme' }),
    contact('Delta', { ContactStatus: 'ARCHIVED' }),
  ];

  it('orders by UpdatedDateUTC, then ContactID, by default and excludes ARCHIVED unless asked', () => {
    expect(runContactQuery(list, {}).contacts.map((c) => c.Name)).toEqual([
      'charlie',
      'Alpha',
      'bravo',
    ]);
    const sameTime = [contact('z2'), contact('z1')].map((c) => ({
      ...c,
      UpdatedDateUTC: 1,
    }));
    expect(runContactQuery(sameTime, {}).contacts.map((c) => c.Name)).toEqual([
      'z2',
      'z1',
    ]); // ContactIDs ascending
    expect(
      runContactQuery(list, { order: 'Name' }).contacts.map((c) => c.Name),
    ).toEqual(['Alpha', 'bravo', 'charlie']);
    expect(
      runContactQuery(list, { includeArchived: true }).contacts,
    ).toHaveLength(4);
    expect(
      runContactQuery(list, { order: 'UpdatedDateUTC DESC' }).contacts.map(
        (c) => c.Name,
      ),
    ).toEqual(['bravo', 'Alpha', 'charlie']);
  });

  it('pages only when a page is asked for', () => {
    expect(runContactQuery(list, { pageSize: 1 }).pagination).toBeUndefined();
    const r = runContactQuery(list, { page: 2, pageSize: 2 });
    expect(r.pagination).toEqual({
      page: 2,
      pageSize: 2,
      pageCount: 2,
      itemCount: 3,
    });
    expect(r.contacts.map((c) => c.Name)).toEqual(['bravo']);
    expect(runContactQuery(list, { page: 9 }).contacts).toEqual([]);
    expect(() => runContactQuery(list, { page: 1, pageSize: 1001 })).toThrow(
      QueryError,
    );
    expect(() => runContactQuery(list, { page: 1, pageSize: 0 })).toThrow(
      QueryError,
    );
  });

  it('searches, filters by IDs and by If-Modified-Since (strictly after)', () => {
    expect(
      runContactQuery(list, { searchTerm: 'FINDME' }).contacts.map(
        (c) => c.Name,
      ),
    ).toEqual(['bravo']);
    expect(
      runContactQuery(list, { searchTerm: 'example.COM' }).contacts.map(
        (c) => c.Name,
      ),
    ).toEqual(['charlie']);
    expect(
      runContactQuery(list, {
        ids: [list[1].ContactID.toUpperCase()],
      }).contacts.map((c) => c.Name),
    ).toEqual(['Alpha']);
    expect(() => runContactQuery(list, { ids: ['nope'] })).toThrow(QueryError);
    expect(
      runContactQuery(list, {
        modifiedSince: list[1].UpdatedDateUTC,
      }).contacts.map((c) => c.Name),
    ).toEqual(['bravo']);
  });
});
