import { schemaErrors } from './xero-schemas';

const contact = {
  ContactID: '5cc8cf28-567e-4d43-b287-687cfcaec47c',
  ContactStatus: 'ACTIVE',
  Name: 'Katherine Warren',
  UpdatedDateUTC: '/Date(1503348544227+0000)/',
  IsSupplier: true,
  IsCustomer: true,
};

describe('strict schema validation against xero_accounting.yaml', () => {
  it("accepts a contact as Xero sends it, in Xero's envelope", () => {
    expect(
      schemaErrors('accounting#Contacts', {
        Id: '04e93d48-e72f-4775-b7dd-15a041fab972',
        Status: 'OK',
        ProviderName: 'Xero API Partner',
        DateTimeUTC: '/Date(1551399323399)/',
        pagination: { page: 1, pageSize: 100, pageCount: 1, itemCount: 1 },
        Contacts: [contact],
      }),
    ).toEqual([]);
  });

  it('fails a field Xero would not send, a wrong type, a bad enum and a non-MS date', () => {
    expect(
      schemaErrors('accounting#Contacts', {
        Contacts: [{ ...contact, Designation: 'customer' }],
      }),
    ).not.toEqual([]);
    expect(
      schemaErrors('accounting#Contacts', {
        Contacts: [{ ...contact, IsCustomer: 'true' }],
      }),
    ).not.toEqual([]);
    expect(
      schemaErrors('accounting#Contacts', {
        Contacts: [{ ...contact, ContactStatus: 'DELETED' }],
      }),
    ).not.toEqual([]);
    expect(
      schemaErrors('accounting#Contacts', {
        Contacts: [{ ...contact, UpdatedDateUTC: '2024-01-01T00:00:00Z' }],
      }),
    ).not.toEqual([]);
    expect(
      schemaErrors('accounting#Contacts', {
        Contacts: [
          { ...contact, Phones: [{ PhoneType: 'DEFAULT', Extension: '1' }] },
        ],
      }),
    ).not.toEqual([]);
    expect(
      schemaErrors('accounting#Contacts', { Contacts: [], Envelope: true }),
    ).not.toEqual([]);
    expect(
      schemaErrors('accounting#Contacts', {
        Contacts: [{ ...contact, Name: 'x'.repeat(256) }],
      }),
    ).not.toEqual([]);
  });

  it('validates error replies, connections and webhook payloads', () => {
    expect(
      schemaErrors('accounting#ContactsError', {
        ErrorNumber: 10,
        Type: 'ValidationException',
        Message: 'A validation exception occurred',
        Elements: [
          {
            ContactID: '00000000-0000-0000-0000-000000000000',
            Name: 'x'.repeat(300),
            HasValidationErrors: true,
            ValidationErrors: [{ Message: 'm' }],
          },
        ],
      }),
    ).toEqual([]);
    expect(
      schemaErrors('accounting#ContactsError', { ErrorNumber: '10' }),
    ).not.toEqual([]);
    expect(
      schemaErrors('identity#Connection', {
        id: '7cb59f93-2964-421d-bb5e-a0f7a4572a44',
        tenantId: 'fe79f7dd-b6d4-4a92-ba7b-538af6289c58',
        tenantName: 'Demo Company (NZ)',
        tenantType: 'ORGANISATION',
        createdDateUtc: '2019-12-07T18:46:19.5165400',
        updatedDateUtc: '2019-12-07T18:46:19.5187840',
      }),
    ).toEqual([]);
    expect(
      schemaErrors('webhooks#WebhookEvent', {
        events: [],
        firstEventSequence: 1,
        lastEventSequence: 1,
      }),
    ).not.toEqual([]);
  });
});
