import { ManualClock } from '../core/clock';
import { ContactBook, ContactChange } from './contact-book';

describe('ContactBook', () => {
  let clock: ManualClock;
  let book: ContactBook;
  let changes: ContactChange[];

  beforeEach(() => {
    clock = new ManualClock(0);
    changes = [];
    book = new ContactBook('t1', clock, (c) => changes.push(c));
  });

  it('creates, then updates by ContactID, raising CREATE then UPDATE', () => {
    const created = book.write({ Name: 'One' }, 'upsert');
    expect(created.ok).toBe(true);
    const id = created.ok ? created.contact.ContactID : '';
    clock.advance(10);
    const updated = book.write(
      { ContactID: id, EmailAddress: 'one@example.com' },
      'upsert',
    );
    expect(updated.ok && updated.contact).toMatchObject({
      Name: 'One',
      EmailAddress: 'one@example.com',
      UpdatedDateUTC: 10,
    });
    expect(changes.map((c) => c.eventType)).toEqual(['CREATE', 'UPDATE']);
  });

  it('keeps names unique among active contacts (case-insensitive, trimmed), including inside one batch', () => {
    expect(book.write({ Name: 'Same' }, 'create').ok).toBe(true);
    const dup = book.write({ Name: ' same ' }, 'create');
    expect(dup.ok).toBe(false);
    expect(!dup.ok && dup.errors[0]).toBe(
      'The contact name same is already assigned to another contact. The contact name must be unique across all active contacts.',
    );
    // renaming a contact to its own name is fine; archiving frees the name
    const other = book.write({ Name: 'Other' }, 'create');
    const otherId = other.ok ? other.contact.ContactID : '';
    expect(book.write({ ContactID: otherId, Name: 'Other' }, 'upsert').ok).toBe(
      true,
    );
    const first = book.all().find((c) => c.Name === 'Same');
    expect(
      book.write(
        { ContactID: first?.ContactID, ContactStatus: 'ARCHIVED' },
        'upsert',
      ).ok,
    ).toBe(true);
    expect(book.write({ Name: 'SAME' }, 'create').ok).toBe(true);
  });

  it('refuses unknown ContactIDs on POST, any ContactID on PUT, and reports a missing contact on update', () => {
    const unknown = '99999999-9999-4999-8999-999999999999';
    expect(
      book.write({ ContactID: unknown, Name: 'X' }, 'upsert'),
    ).toMatchObject({
      ok: false,
      errors: [`The contact with ContactID ${unknown} could not be found.`],
    });
    expect(book.write({ ContactID: unknown, Name: 'X' }, 'create').ok).toBe(
      false,
    );
    expect(book.write({ Name: 'X' }, 'update', unknown)).toMatchObject({
      ok: false,
      notFound: true,
    });
    expect(book.size).toBe(0);
    expect(changes).toEqual([]);
  });

  it('lets the web app set designations without moving UpdatedDateUTC, and merge contacts', () => {
    const a = book.adminCreate({ Name: 'A' });
    const b = book.adminCreate({ Name: 'B', IsSupplier: true });
    clock.advance(1000);
    expect(book.adminEdit(a.ContactID, { IsCustomer: true })).toMatchObject({
      IsCustomer: true,
      UpdatedDateUTC: 0,
    });
    expect(
      book.adminEdit(a.ContactID, { FirstName: 'Ann' }).UpdatedDateUTC,
    ).toBe(1000);
    expect(() => book.adminEdit(a.ContactID, { ContactNumber: 'X' })).toThrow(
      /read-only/,
    );
    const { from, to } = book.merge(b.ContactID, a.ContactID);
    expect(from).toMatchObject({
      ContactStatus: 'ARCHIVED',
      MergedToContactID: a.ContactID,
    });
    expect(to).toMatchObject({ IsCustomer: true, IsSupplier: true });
    // the merged contact's name is free again
    expect(book.write({ Name: 'B' }, 'create').ok).toBe(true);
  });

  it('finds a contact by ContactNumber as well as by ContactID', () => {
    const c = book.adminCreate({ Name: 'Numbered', ContactNumber: 'POS-9' });
    expect(book.findByIdOrNumber('POS-9')?.ContactID).toBe(c.ContactID);
    expect(book.findByIdOrNumber(c.ContactID.toUpperCase())?.Name).toBe(
      'Numbered',
    );
  });

  it('keeps ContactNumber unique across all contacts, archived and merged ones included', () => {
    const a = book.adminCreate({ Name: 'A', ContactNumber: 'N-1' });
    const b = book.adminCreate({ Name: 'B', ContactNumber: 'N-2' });
    book.merge(a.ContactID, b.ContactID);
    const reuse = book.write({ Name: 'C', ContactNumber: ' n-1 ' }, 'create');
    expect(!reuse.ok && reuse.errors).toEqual([
      'The contact number  n-1  is already assigned to another contact. The contact number must be unique across all contacts.',
    ]);
    expect(
      book.write({ ContactID: b.ContactID, ContactNumber: 'N-2' }, 'upsert').ok,
    ).toBe(true);
    // freed once its holder takes another number
    expect(
      book.write({ ContactID: b.ContactID, ContactNumber: 'N-3' }, 'upsert').ok,
    ).toBe(true);
    expect(book.write({ Name: 'D', ContactNumber: 'N-2' }, 'create').ok).toBe(
      true,
    );
    expect(book.findByNumber('N-3')?.ContactID).toBe(b.ContactID);
    expect(book.findByNumber('n-3')).toBeUndefined();
  });

  it('lets an archived contact only be restored, and a merged one not even that', () => {
    const a = book.adminCreate({ Name: 'Arch', ContactStatus: 'ARCHIVED' });
    const edit = book.write(
      { ContactID: a.ContactID, FirstName: 'X' },
      'upsert',
    );
    expect(!edit.ok && edit.errors[0]).toMatch(/archived and cannot be edited/);
    expect(
      book.write({ ContactID: a.ContactID, ContactStatus: 'ACTIVE' }, 'upsert')
        .ok,
    ).toBe(true);
    const keep = book.adminCreate({ Name: 'Keep' });
    book.merge(a.ContactID, keep.ContactID);
    const restore = book.write(
      { ContactID: a.ContactID, ContactStatus: 'ACTIVE' },
      'upsert',
    );
    expect(!restore.ok && restore.errors).toEqual([
      'This contact has been merged into another contact and cannot be restored.',
    ]);
  });
});
