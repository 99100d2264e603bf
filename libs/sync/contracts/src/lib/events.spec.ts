import { ContractViolation, buildEvent, parseEvent } from './event-definition';
import { DEFAULT_MATCH_BY } from '@pos/sync-contracts/enums';
import { ALL_EVENTS, CustomerChanged, CustomerSyncFailed, XeroContactsPage, XeroImportRequested } from './events';

describe('event contracts', () => {
  it('names routing keys after the event and its version', () => {
    expect(ALL_EVENTS.map((e) => e.routingKey)).toEqual([
      'customer.changed.v1',
      'customer.sync-succeeded.v1',
      'customer.sync-failed.v1',
      'customer.xero-drifted.v1',
      'xero.connection-changed.v1',
      'xero.import-requested.v1',
      'xero.contacts-page.v1',
      'xero.import-finished.v1',
      'xero.import-cancelled.v1',
    ]);
  });

  it('builds a complete envelope that its consumer accepts', () => {
    const e = buildEvent(CustomerChanged, 'r-1', {
      customerId: 'c-1',
      customerVersion: 2,
      reason: 'updated',
      changedFields: ['email'],
      snapshot: { id: 'c-1', email: 'a@b.co', physicalAddress: { city: 'Auckland' } },
    });
    expect(e).toMatchObject({ type: 'customer.changed', schemaVersion: 1, retailerId: 'r-1' });
    expect(e.eventId).toMatch(/^[0-9a-f-]{36}$/);
    expect(parseEvent(CustomerChanged, JSON.parse(JSON.stringify(e)))).toMatchObject({ customerVersion: 2 });
  });

  it('accepts an unknown extra field (a compatible change)', () => {
    const e = buildEvent(CustomerSyncFailed, 'r-1', {
      customerId: 'c-1',
      customerVersion: 1,
      error: { kind: 'validation', message: 'name taken' },
      retrying: false,
    });
    expect(() => parseEvent(CustomerSyncFailed, { ...e, addedLater: true })).not.toThrow();
  });

  it.each([
    ['a missing field', (e: Record<string, unknown>) => ({ ...e, customerVersion: undefined }), /customerVersion/],
    ['a wrong type', (e: Record<string, unknown>) => ({ ...e, changedFields: 'email' }), /changedFields/],
    ['an unknown reason', (e: Record<string, unknown>) => ({ ...e, reason: 'because' }), /reason/],
    ['another version', (e: Record<string, unknown>) => ({ ...e, schemaVersion: 2 }), /schemaVersion/],
    ['another type', (e: Record<string, unknown>) => ({ ...e, type: 'customer.deleted' }), /type/],
    ['a bad nested snapshot', (e: Record<string, unknown>) => ({ ...e, snapshot: { id: 'c', email: 5 } }), /snapshot\.email/],
  ])('rejects %s, naming the field', (_name, mutate, field) => {
    const e = buildEvent(CustomerChanged, 'r-1', {
      customerId: 'c-1',
      customerVersion: 1,
      reason: 'created',
      changedFields: [],
      snapshot: { id: 'c-1' },
    }) as unknown as Record<string, unknown>;
    expect(() => parseEvent(CustomerChanged, mutate(e))).toThrow(ContractViolation);
    expect(() => parseEvent(CustomerChanged, mutate(e))).toThrow(field);
  });

  it('carries what import matching needs in a contacts page, and names a bad contact field', () => {
    const contact = {
      xeroContactId: 'c0ffee00-0000-4000-8000-000000000001',
      contactStatus: 'ACTIVE',
      isCustomer: false,
      isSupplier: false,
      contactNumber: 'pos-id',
      accountNumber: 'ACC-1',
      name: 'General Ltd',
      emailAddress: 'general@example.com',
      fields: { companyName: 'General Ltd', email: 'general@example.com', physicalAddress: { city: 'Wellington' } },
    } as const;
    const importId = '3f1e2d4c-0000-4000-8000-000000000001';
    const e = buildEvent(XeroContactsPage, 'r-1', { importId, page: 1, pageCount: 3, contacts: [contact] });
    expect(parseEvent(XeroContactsPage, JSON.parse(JSON.stringify(e))).contacts[0]).toMatchObject({ isSupplier: false, name: 'General Ltd' });
    expect(() => parseEvent(XeroContactsPage, { ...e, contacts: [{ ...contact, contactStatus: 'DELETED' }] })).toThrow(/contacts\.0\.contactStatus/);
    expect(() => parseEvent(XeroContactsPage, { ...e, contacts: [{ ...contact, isCustomer: 'yes' }] })).toThrow(/contacts\.0\.isCustomer/);
    expect(() => buildEvent(XeroImportRequested, 'r-1', { importId, dryRun: false, matchBy: ['phone' as never] })).toThrow(/matchBy/);
    expect(buildEvent(XeroImportRequested, 'r-1', { importId, dryRun: true, matchBy: [...DEFAULT_MATCH_BY] }).matchBy).toEqual([
      'contactNumber',
      'accountNumber',
      'nameAndEmail',
      'email',
    ]);
  });

  it('rejects a body that is not an object', () => {
    expect(() => parseEvent(XeroContactsPage, [1, 2])).toThrow(/not a JSON object/);
  });

  it('refuses to build an event its consumers would reject', () => {
    expect(() =>
      buildEvent(XeroContactsPage, 'r-1', { importId: 'not-a-uuid', page: 1, pageCount: 1, contacts: [] }),
    ).toThrow(/importId/);
  });
});
