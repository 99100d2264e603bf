/**
 * The Contacts and Organisation endpoints through the real xero-node client, every reply checked against
 * xero_accounting.yaml (strict: no property Xero's schema does not define).
 */
import { Address, Contact, Contacts, Phone } from 'xero-node';
import {
  Harness,
  expectFailure,
  expectOk,
  http,
  startHarness,
  expectXeroError,
} from '../src/testing/sandbox-harness';
import { assertErrorReply } from '../src/testing/xero-schemas';

type Json = Record<string, unknown>;

function contactsOf(raw: Json): Json[] {
  return raw['Contacts'] as Json[];
}

function phone(
  type: Phone.PhoneTypeEnum,
  number: string,
  extra: Partial<Phone> = {},
): Phone {
  return { phoneType: type, phoneNumber: number, ...extra };
}

describe('Contacts through xero-node', () => {
  let h: Harness;
  const tenant = () => h.tenantId;

  beforeAll(async () => {
    h = await startHarness();
  });

  afterAll(async () => {
    await h.close();
  });

  it("creates contacts (PUT) and answers with Xero's envelope, every phone type and an MS date", async () => {
    const contacts: Contacts = {
      contacts: [
        {
          name: 'Mere Parata',
          firstName: 'Mere',
          lastName: 'Parata',
          emailAddress: 'mere@example.co.nz',
          contactNumber: 'POS-1001',
          accountNumber: 'C-1001',
          isCustomer: true, // read-only: must be ignored
          isSupplier: true,
          phones: [
            phone(Phone.PhoneTypeEnum.MOBILE, '021 555 1001', {
              phoneAreaCode: '021',
            }),
          ],
          addresses: [
            {
              addressType: Address.AddressTypeEnum.STREET,
              addressLine1: '1 Queen St',
              city: 'Auckland',
            },
          ],
        },
      ],
    };
    const r = await expectOk(
      h.xero.accountingApi.createContacts(tenant(), contacts),
      'Contacts',
    );
    expect(r.status).toBe(200);
    expect(r.raw).toMatchObject({
      Status: 'OK',
      ProviderName: 'POS Xero Sandbox App',
    });
    expect(r.raw['DateTimeUTC']).toMatch(/^\/Date\(\d+\)\/$/);
    const [c] = contactsOf(r.raw);
    expect(c['ContactID']).toMatch(/^[0-9a-f-]{36}$/);
    expect(c['IsCustomer']).toBe(false);
    expect(c['IsSupplier']).toBe(false);
    expect(c['UpdatedDateUTC']).toMatch(/^\/Date\(\d+\+0000\)\/$/);
    const phones = c['Phones'] as Json[];
    expect(phones.map((p) => p['PhoneType'])).toEqual([
      'DEFAULT',
      'DDI',
      'FAX',
      'MOBILE',
    ]);
    expect(phones.find((p) => p['PhoneType'] === 'MOBILE')).toEqual({
      PhoneType: 'MOBILE',
      PhoneNumber: '021 555 1001',
      PhoneAreaCode: '021',
      PhoneCountryCode: '',
    });
    expect((c['Addresses'] as Json[]).map((a) => a['AddressType'])).toEqual([
      'STREET',
      'POBOX',
    ]);
    // xero-node reads the reply into its models (and the MS date into a Date)
    expect(r.model?.contacts?.[0].name).toBe('Mere Parata');
    expect(r.model?.contacts?.[0].updatedDateUTC).toBeInstanceOf(Date);
  });

  it("refuses a duplicate active name with Xero's exact message, yet writes the good elements (not transactional)", async () => {
    await expectOk(
      h.xero.accountingApi.createContacts(tenant(), {
        contacts: [{ name: 'Dup Holdings' }],
      }),
      'Contacts',
    );
    const r = await expectFailure(
      h.xero.accountingApi.createContacts(tenant(), {
        contacts: [{ name: 'Written Anyway Ltd' }, { name: 'dup holdings' }],
      }),
      400,
    );
    expect(r.raw).toMatchObject({
      ErrorNumber: 10,
      Type: 'ValidationException',
      Message: 'A validation exception occurred',
    });
    const elements = r.raw['Elements'] as Json[];
    expect(elements).toHaveLength(1);
    expect(elements[0]).toMatchObject({
      ContactID: '00000000-0000-0000-0000-000000000000',
      Name: 'dup holdings',
      HasValidationErrors: true,
    });
    expect(elements[0]['ValidationErrors']).toEqual([
      {
        Message:
          'The contact name dup holdings is already assigned to another contact. The contact name must be unique across all active contacts.',
      },
    ]);
    const found = await expectOk(
      h.xero.accountingApi.getContacts(
        tenant(),
        undefined,
        'Name=="Written Anyway Ltd"',
      ),
      'Contacts',
    );
    expect(contactsOf(found.raw)).toHaveLength(1);
  });

  it('with summarizeErrors=true (POST) one bad element makes the reply a 400', async () => {
    const r = await expectFailure(
      h.xero.accountingApi.updateOrCreateContacts(
        tenant(),
        { contacts: [{ name: 'Upsert Good' }, { name: '' }] },
        true,
      ),
      400,
    );
    expect(
      (r.raw['Elements'] as Json[]).map((e) => e['ValidationErrors']),
    ).toEqual([[{ Message: 'The contact name must be specified.' }]]);
    const written = await expectOk(
      h.xero.accountingApi.getContacts(
        tenant(),
        undefined,
        'Name=="Upsert Good"',
      ),
      'Contacts',
    );
    expect(contactsOf(written.raw)).toHaveLength(1);
  });

  it('with summarizeErrors=false answers 200 with every element and its validation errors', async () => {
    const r = await expectOk(
      h.xero.accountingApi.updateOrCreateContacts(
        tenant(),
        {
          contacts: [
            { name: 'Batch Good One' },
            { name: 'x'.repeat(256) },
            { name: 'Batch Bad Email', emailAddress: 'not-an-email' },
          ],
        },
        false,
      ),
      'ContactsWithEchoes',
    );
    const [good, long, email] = contactsOf(r.raw);
    expect(good).toMatchObject({
      Name: 'Batch Good One',
      HasValidationErrors: false,
      StatusAttributeString: 'OK',
    });
    expect(long).toMatchObject({
      HasValidationErrors: true,
      StatusAttributeString: 'ERROR',
    });
    expect(long['ValidationErrors']).toEqual([
      { Message: 'Contact name must not be more than 255 characters long.' },
    ]);
    expect(email['ValidationErrors']).toEqual([
      { Message: 'Email address must be valid.' },
    ]);
    expect(r.model?.contacts?.[1].hasValidationErrors).toBe(true);
  });

  it("applies Xero's field limits with Xero-style messages", async () => {
    const r = await expectFailure(
      h.xero.accountingApi.createContacts(tenant(), {
        contacts: [
          {
            name: 'Limits Ltd',
            contactNumber: 'N'.repeat(51),
            accountNumber: 'A'.repeat(51),
            firstName: 'F'.repeat(256),
            phones: [
              phone(Phone.PhoneTypeEnum.DEFAULT, '1'.repeat(51), {
                phoneAreaCode: '1'.repeat(11),
                phoneCountryCode: '1'.repeat(21),
              }),
            ],
            addresses: [
              {
                addressType: Address.AddressTypeEnum.POBOX,
                addressLine1: 'L'.repeat(501),
                country: 'C'.repeat(51),
              },
            ],
          },
        ],
      }),
      400,
    );
    const messages = (
      (r.raw['Elements'] as Json[])[0]['ValidationErrors'] as Json[]
    ).map((m) => m['Message']);
    expect(messages).toEqual(
      expect.arrayContaining([
        'Contact number must not be more than 50 characters long.',
        'Account number must not be more than 50 characters long.',
        'First name must not be more than 255 characters long.',
        'Phone number must not be more than 50 characters long.',
        'Phone area code must not be more than 10 characters long.',
        'Phone country code must not be more than 20 characters long.',
        'Address line 1 must not be more than 500 characters long.',
        'Country must not be more than 50 characters long.',
      ]),
    );
    const none = await expectOk(
      h.xero.accountingApi.getContacts(
        tenant(),
        undefined,
        'Name=="Limits Ltd"',
      ),
      'Contacts',
    );
    expect(contactsOf(none.raw)).toHaveLength(0);
  });

  it('requires Name on create and refuses a ContactID on PUT', async () => {
    const r = await expectFailure(
      h.xero.accountingApi.createContacts(tenant(), {
        contacts: [{ emailAddress: 'noname@example.com' }],
      }),
      400,
    );
    expect((r.raw['Elements'] as Json[])[0]['ValidationErrors']).toEqual([
      { Message: 'The contact name must be specified.' },
    ]);
    const existing = h.org.contacts.adminCreate({ Name: 'Put Target' });
    await expectFailure(
      h.xero.accountingApi.createContacts(tenant(), {
        contacts: [{ contactID: existing.ContactID, name: 'Put Target 2' }],
      }),
      400,
    );
  });

  it('updates partially (POST): omitted fields kept, phones and addresses merge by type, empty values clear', async () => {
    const created = await expectOk(
      h.xero.accountingApi.createContacts(tenant(), {
        contacts: [
          {
            name: 'Partial Co',
            emailAddress: 'partial@example.com',
            accountNumber: 'P-1',
            phones: [
              phone(Phone.PhoneTypeEnum.DEFAULT, '09 111 1111'),
              phone(Phone.PhoneTypeEnum.MOBILE, '021 222 2222'),
            ],
            addresses: [
              {
                addressType: Address.AddressTypeEnum.STREET,
                addressLine1: '1 Street Rd',
                city: 'Hamilton',
              },
              {
                addressType: Address.AddressTypeEnum.POBOX,
                addressLine1: 'PO Box 1',
                city: 'Hamilton',
              },
            ],
          },
        ],
      }),
      'Contacts',
    );
    const id = contactsOf(created.raw)[0]['ContactID'] as string;
    h.clock.advance(1000);
    const updated = await expectOk(
      h.xero.accountingApi.updateOrCreateContacts(tenant(), {
        contacts: [
          {
            contactID: id,
            emailAddress: '',
            phones: [
              phone(Phone.PhoneTypeEnum.MOBILE, ''), // clears MOBILE
              phone(Phone.PhoneTypeEnum.FAX, '09 333 3333'), // sets FAX
              { phoneNumber: '000' } as Phone, // no type: ignored
            ],
            addresses: [
              {
                addressType: Address.AddressTypeEnum.POBOX,
                addressLine1: '',
                city: '',
              },
            ], // clears POBOX
          },
        ],
      }),
      'Contacts',
    );
    const c = contactsOf(updated.raw)[0];
    expect(c).toMatchObject({
      ContactID: id,
      Name: 'Partial Co',
      AccountNumber: 'P-1',
      EmailAddress: '',
    });
    const phones = Object.fromEntries(
      (c['Phones'] as Json[]).map((p) => [p['PhoneType'], p['PhoneNumber']]),
    );
    expect(phones).toEqual({
      DEFAULT: '09 111 1111',
      DDI: '',
      FAX: '09 333 3333',
      MOBILE: '',
    });
    const addresses = Object.fromEntries(
      (c['Addresses'] as Json[]).map((a) => [a['AddressType'], a]),
    );
    expect(addresses['STREET']).toMatchObject({
      AddressLine1: '1 Street Rd',
      City: 'Hamilton',
    });
    expect(addresses['POBOX']).toEqual({
      AddressType: 'POBOX',
      City: '',
      Region: '',
      PostalCode: '',
      Country: '',
    });
    expect(c['UpdatedDateUTC']).not.toEqual(
      contactsOf(created.raw)[0]['UpdatedDateUTC'],
    );
  });

  it('updates one contact by id (POST /Contacts/{ContactID}); an unknown id is a 404', async () => {
    const created = h.org.contacts.adminCreate({
      Name: 'Single Update Ltd',
      EmailAddress: 'single@example.com',
    });
    const r = await expectOk(
      h.xero.accountingApi.updateContact(tenant(), created.ContactID, {
        contacts: [{ name: 'Single Update Limited' }],
      }),
      'Contacts',
    );
    expect(contactsOf(r.raw)[0]).toMatchObject({
      Name: 'Single Update Limited',
      EmailAddress: 'single@example.com',
    });
    const missing = await expectFailure(
      h.xero.accountingApi.updateContact(
        tenant(),
        '2f0b8e0a-0000-4000-8000-000000000000',
        { contacts: [{ name: 'Nobody' }] },
      ),
      404,
    );
    expect(missing.status).toBe(404);
  });

  it('keeps IsCustomer/IsSupplier read-only and names unique only among ACTIVE contacts', async () => {
    const archived = h.org.contacts.adminCreate({
      Name: 'Reusable Name Ltd',
      ContactStatus: 'ARCHIVED',
      IsCustomer: true,
    });
    const r = await expectOk(
      h.xero.accountingApi.createContacts(tenant(), {
        contacts: [{ name: 'Reusable Name Ltd' }],
      }),
      'Contacts',
    );
    expect(contactsOf(r.raw)[0]['ContactID']).not.toBe(archived.ContactID);
    // un-archiving the old one now clashes
    const clash = await expectFailure(
      h.xero.accountingApi.updateContact(tenant(), archived.ContactID, {
        contacts: [{ contactStatus: Contact.ContactStatusEnum.ACTIVE }],
      }),
      400,
    );
    expect(JSON.stringify(clash.raw)).toContain(
      'is already assigned to another contact',
    );
  });

  it('gets a contact by ContactID and by ContactNumber, with MergedToContactID; unknown → 404', async () => {
    const keep = h.org.contacts.adminCreate({
      Name: 'Merge Keeper',
      IsCustomer: true,
    });
    const gone = h.org.contacts.adminCreate({
      Name: 'Merge Gone',
      ContactNumber: 'POS-MERGE-1',
    });
    h.org.contacts.merge(gone.ContactID, keep.ContactID);
    const byId = await expectOk(
      h.xero.accountingApi.getContact(tenant(), gone.ContactID),
      'Contacts',
    );
    expect(contactsOf(byId.raw)[0]).toMatchObject({
      ContactStatus: 'ARCHIVED',
      MergedToContactID: keep.ContactID,
    });
    const byNumber = await expectOk(
      h.xero.accountingApi.getContactByContactNumber(tenant(), 'POS-MERGE-1'),
      'Contacts',
    );
    expect(contactsOf(byNumber.raw)[0]['ContactID']).toBe(gone.ContactID);
    expect(byNumber.model?.contacts?.[0].mergedToContactID).toBe(
      keep.ContactID,
    );
    await expectFailure(
      h.xero.accountingApi.getContactByContactNumber(
        tenant(),
        'NO-SUCH-NUMBER',
      ),
      404,
    );
    // a list without paging leaves MergedToContactID out, as Xero documents
    const list = await expectOk(
      h.xero.accountingApi.getContacts(
        tenant(),
        undefined,
        undefined,
        undefined,
        [gone.ContactID],
        undefined,
        true,
      ),
      'Contacts',
    );
    expect(contactsOf(list.raw)[0]['MergedToContactID']).toBeUndefined();
    const paged = await expectOk(
      h.xero.accountingApi.getContacts(
        tenant(),
        undefined,
        undefined,
        undefined,
        [gone.ContactID],
        1,
        true,
      ),
      'Contacts',
    );
    expect(contactsOf(paged.raw)[0]['MergedToContactID']).toBe(keep.ContactID);
  });

  it('refuses every API update to a contact whose Website (set in Xero) is invalid', async () => {
    const c = h.org.contacts.adminCreate({
      Name: 'Bad Website Ltd',
      Website: 'not a website',
    });
    const r = await expectFailure(
      h.xero.accountingApi.updateContact(tenant(), c.ContactID, {
        contacts: [{ emailAddress: 'ok@example.com' }],
      }),
      400,
    );
    expect((r.raw['Elements'] as Json[])[0]['ValidationErrors']).toEqual([
      { Message: 'Website must be valid' },
    ]);
  });

  it('returns the organisation (GET /Organisation) with its ShortCode', async () => {
    const r = await expectOk(
      h.xero.accountingApi.getOrganisations(tenant()),
      'Organisations',
    );
    const [org] = r.raw['Organisations'] as Json[];
    expect(org).toMatchObject({
      OrganisationID: h.tenantId,
      Name: 'Harness Trading Ltd',
      ShortCode: '!aB3cD',
    });
    expect(r.model?.organisations?.[0].shortCode).toBe('!aB3cD');
  });

  it('refuses a body that is not JSON', async () => {
    const res = await http(`${h.url}/api.xro/2.0/Contacts`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${h.token.access_token}`,
        'xero-tenant-id': h.tenantId,
        'content-type': 'application/json',
      },
    });
    expectXeroError(res, 400);
    const bad = await fetch(`${h.url}/api.xro/2.0/Contacts`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${h.token.access_token}`,
        'xero-tenant-id': h.tenantId,
        'content-type': 'application/json',
      },
      body: '{"Contacts": [',
    });
    expect(bad.status).toBe(400);
    const badBody = await bad.json();
    assertErrorReply(400, badBody, {});
    expect(badBody).toMatchObject({ Type: 'PostDataInvalidException' });
  });
});

describe('GET /Contacts filters through xero-node', () => {
  let h: Harness;
  const ids: Record<string, string> = {};
  let midpoint: Date;

  beforeAll(async () => {
    h = await startHarness();
    const add = (name: string, fields: Record<string, unknown>) => {
      ids[name] = h.org.contacts.adminCreate({
        Name: name,
        ...fields,
      }).ContactID;
      h.clock.advance(1000);
    };
    add('Alpha Customer', {
      IsCustomer: true,
      EmailAddress: 'alpha@example.com',
      AccountNumber: 'ACC-A',
      ContactNumber: 'POS-A',
    });
    add('Bravo Supplier', {
      IsSupplier: true,
      EmailAddress: 'bravo@example.com',
    });
    add('Charlie Both', {
      IsCustomer: true,
      IsSupplier: true,
      FirstName: 'Charlie',
      LastName: 'Searchable',
    });
    midpoint = new Date(h.clock.now());
    h.clock.advance(1000);
    add('Delta General', { EmailAddress: 'delta@example.com' });
    add('Echo Archived', { IsCustomer: true, ContactStatus: 'ARCHIVED' });
    for (let i = 1; i <= 5; i++) add(`Foxtrot ${i}`, { IsCustomer: true });
  });

  afterAll(async () => {
    await h.close();
  });

  const names = (raw: Json) => contactsOf(raw).map((c) => c['Name']);
  const get = (
    ...args: Parameters<
      Harness['xero']['accountingApi']['getContacts']
    > extends [string, ...infer R]
      ? R
      : never
  ) =>
    expectOk(h.xero.accountingApi.getContacts(h.tenantId, ...args), 'Contacts');

  it('filters with a where clause as xero-node encodes it (import: customers or non-suppliers)', async () => {
    const r = await get(
      undefined,
      'ContactStatus=="ACTIVE" AND (IsCustomer==true OR IsSupplier==false)',
    );
    expect(names(r.raw)).toEqual([
      'Alpha Customer',
      'Charlie Both',
      'Delta General',
      'Foxtrot 1',
      'Foxtrot 2',
      'Foxtrot 3',
      'Foxtrot 4',
      'Foxtrot 5',
    ]);
    const byEmail = await get(undefined, 'EmailAddress=="bravo@example.com"');
    expect(names(byEmail.raw)).toEqual(['Bravo Supplier']);
    const byNumbers = await get(
      undefined,
      'ContactNumber=="POS-A" OR AccountNumber=="ACC-A"',
    );
    expect(names(byNumbers.raw)).toEqual(['Alpha Customer']);
    const not = await get(
      undefined,
      'Name!="Alpha Customer" AND IsSupplier==true',
    );
    expect(names(not.raw)).toEqual(['Bravo Supplier', 'Charlie Both']);
  });

  it('answers 400 QueryParseException to a where clause it cannot read', async () => {
    const r = await expectFailure(
      h.xero.accountingApi.getContacts(h.tenantId, undefined, 'Nonsense=="x"'),
      400,
    );
    expect(r.raw).toMatchObject({
      ErrorNumber: 16,
      Type: 'QueryParseException',
    });
    await expectFailure(
      h.xero.accountingApi.getContacts(
        h.tenantId,
        undefined,
        'IsCustomer=="true"',
      ),
      400,
    );
  });

  it('pages with page and pageSize and reports the pagination block', async () => {
    const p1 = await get(
      undefined,
      undefined,
      undefined,
      undefined,
      1,
      undefined,
      undefined,
      undefined,
      4,
    );
    expect(p1.raw['pagination']).toEqual({
      page: 1,
      pageSize: 4,
      pageCount: 3,
      itemCount: 9,
    });
    expect(names(p1.raw)).toEqual([
      'Alpha Customer',
      'Bravo Supplier',
      'Charlie Both',
      'Delta General',
    ]);
    const p3 = await get(
      undefined,
      undefined,
      undefined,
      undefined,
      3,
      undefined,
      undefined,
      undefined,
      4,
    );
    expect(names(p3.raw)).toEqual(['Foxtrot 5']);
    expect(p3.model?.pagination?.pageCount).toBe(3);
    const defaultSize = await get(
      undefined,
      undefined,
      undefined,
      undefined,
      1,
    );
    expect(defaultSize.raw['pagination']).toMatchObject({
      pageSize: 100,
      itemCount: 9,
    });
    const none = await get();
    expect(none.raw['pagination']).toBeUndefined();
    await expectFailure(
      h.xero.accountingApi.getContacts(
        h.tenantId,
        undefined,
        undefined,
        undefined,
        undefined,
        1,
        undefined,
        undefined,
        undefined,
        1001,
      ),
      400,
    );
  });

  it('includes ARCHIVED contacts only with includeArchived', async () => {
    const without = await get();
    expect(names(without.raw)).not.toContain('Echo Archived');
    const withArchived = await get(
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
      true,
    );
    expect(names(withArchived.raw)).toContain('Echo Archived');
  });

  it('searches Name, FirstName, LastName, ContactNumber and EmailAddress case-insensitively', async () => {
    expect(
      names(
        (
          await get(
            undefined,
            undefined,
            undefined,
            undefined,
            undefined,
            undefined,
            undefined,
            'SEARCHABLE',
          )
        ).raw,
      ),
    ).toEqual(['Charlie Both']);
    expect(
      names(
        (
          await get(
            undefined,
            undefined,
            undefined,
            undefined,
            undefined,
            undefined,
            undefined,
            'pos-a',
          )
        ).raw,
      ),
    ).toEqual(['Alpha Customer']);
    expect(
      names(
        (
          await get(
            undefined,
            undefined,
            undefined,
            undefined,
            undefined,
            undefined,
            undefined,
            'DELTA@',
          )
        ).raw,
      ),
    ).toEqual(['Delta General']);
  });

  it('honours If-Modified-Since as xero-node sends it', async () => {
    const r = await get(midpoint);
    expect(names(r.raw)).toEqual([
      'Delta General',
      'Foxtrot 1',
      'Foxtrot 2',
      'Foxtrot 3',
      'Foxtrot 4',
      'Foxtrot 5',
    ]);
  });

  it('orders and selects by IDs', async () => {
    const desc = await get(undefined, 'IsCustomer==true', 'Name DESC');
    expect(names(desc.raw).slice(0, 2)).toEqual(['Foxtrot 5', 'Foxtrot 4']);
    const some = await get(undefined, undefined, undefined, [
      ids['Bravo Supplier'],
      ids['Delta General'],
    ]);
    expect(names(some.raw)).toEqual(['Bravo Supplier', 'Delta General']);
  });

  it("returns Xero's lightweight contacts with summaryOnly (paged; no designations, addresses or persons)", async () => {
    const r = await get(
      undefined,
      'Name=="Alpha Customer"',
      undefined,
      undefined,
      undefined,
      undefined,
      true,
    );
    const [c] = contactsOf(r.raw);
    expect(c).toMatchObject({
      Name: 'Alpha Customer',
      EmailAddress: 'alpha@example.com',
    });
    expect(r.raw['pagination']).toMatchObject({ page: 1, itemCount: 1 });
    expect(c['Phones']).toEqual(expect.any(Array));
    expect(c['IsCustomer']).toBeUndefined();
    expect(c['IsSupplier']).toBeUndefined();
    expect(c['Addresses']).toBeUndefined();
    expect(c['ContactPersons']).toBeUndefined();
  });
});
