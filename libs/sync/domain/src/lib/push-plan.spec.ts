import { MAPPED_FIELDS } from '@pos/customers-domain';
import { ChangeRequest, LedgerEntry, recordChange } from './ledger';
import { PushOp, applyFailure, applySuccess, batches, matchElements, planPush } from './push-plan';
import { SyncError } from './xero-errors';

let n = 0;
const change = (over: Partial<ChangeRequest> = {}): ChangeRequest => ({
  eventId: `e-${++n}`,
  retailerId: 'r-1',
  customerId: 'c-1',
  customerVersion: 1,
  changedFields: ['firstName', 'email'],
  snapshot: { id: 'c-1', firstName: 'Ada', lastName: 'Lovelace', email: 'ada@example.com', phone: '555' },
  fullPush: false,
  ...over,
});
const record = (entry: LedgerEntry | undefined, c: ChangeRequest) => {
  const r = recordChange(entry, c);
  if (r === 'duplicate') throw new Error('duplicate');
  return r;
};
const AT = '2026-01-01T00:00:00.000Z';
const asPush = (p: ReturnType<typeof planPush>): PushOp => {
  if (p.kind !== 'push') throw new Error(`expected a push, got ${p.kind}`);
  return p;
};
/** An entry linked to contact x-1 that Xero has fully received at version 1. */
function synced(): LedgerEntry {
  const e = record(undefined, change({ fullPush: true, xeroContactId: 'x-1' }));
  return applySuccess(e, asPush(planPush(e)), AT).entry;
}

describe('planPush', () => {
  it('leaves an unlinked customer alone until a full push is asked for', () => {
    expect(planPush(record(undefined, change()))).toEqual({ kind: 'idle' });
  });

  it('looks the ContactNumber up before creating, then creates with every field, or adopts what it found', () => {
    const e = record(undefined, change({ reason: undefined, fullPush: true } as Partial<ChangeRequest>));
    expect(planPush(e)).toEqual({ kind: 'lookup', customerId: 'c-1', version: 1, contactNumber: 'c-1' });
    const create = asPush(planPush(e, null));
    expect(create.contactId).toBeUndefined();
    expect(create.fields).toEqual([...MAPPED_FIELDS]);
    expect(create.contact).toMatchObject({ ContactNumber: 'c-1', Name: 'Ada Lovelace', EmailAddress: 'ada@example.com' });
    const adopt = asPush(planPush(e, 'x-found'));
    expect(adopt.contact).toMatchObject({ ContactID: 'x-found', ContactNumber: 'c-1' });
    expect(adopt.fields).toEqual([...MAPPED_FIELDS]);
  });

  it('a first link (contact id known, nothing sent yet) sends every mapped field', () => {
    const e = record(undefined, change({ xeroContactId: 'x-1', changedFields: ['email'] }));
    expect(asPush(planPush(e)).fields).toEqual([...MAPPED_FIELDS]);
  });

  it('after that, sends only the changed fields whose value differs from what Xero last received', () => {
    let e = synced();
    expect(planPush(e)).toEqual({ kind: 'idle' });
    e = record(e, change({ customerVersion: 2, changedFields: ['email', 'firstName'], snapshot: { ...e.desired, email: 'new@example.com' } }));
    const p = asPush(planPush(e));
    expect(p.fields).toEqual(['email']);
    expect(p.contact).toEqual({ ContactID: 'x-1', EmailAddress: 'new@example.com' });
  });

  it('sends a cleared phone as an empty PhoneNumber and a cleared text field as an empty string', () => {
    let e = synced();
    e = record(e, change({ customerVersion: 2, changedFields: ['phone', 'email'], snapshot: { id: 'c-1', firstName: 'Ada', lastName: 'Lovelace' } }));
    expect(asPush(planPush(e)).contact).toEqual({ ContactID: 'x-1', EmailAddress: '', Phones: [{ PhoneType: 'DEFAULT', PhoneNumber: '' }] });
  });

  it('an on-account sale or push now sends every mapped field even when Xero had them', () => {
    let e = synced();
    e = record(e, change({ customerVersion: 1, changedFields: [], fullPush: true }));
    expect(asPush(planPush(e)).fields).toEqual([...MAPPED_FIELDS]);
  });

  it('a change that differs from nothing Xero holds is reported without a call', () => {
    let e = synced();
    e = record(e, change({ customerVersion: 2, changedFields: ['email'] })); // same value as sent
    expect(planPush(e)).toEqual({ kind: 'report', customerId: 'c-1', version: 2 });
    e = applySuccess(e, { kind: 'report', customerId: 'c-1', version: 2 }, AT).entry;
    expect(planPush(e)).toEqual({ kind: 'idle' });
    expect(e.reportedVersion).toBe(2);
  });
});

describe('applySuccess', () => {
  it('records the value and version Xero received per field, clears what it took and keeps the history', () => {
    let e = record(undefined, change({ xeroContactId: 'x-1' }));
    const p = asPush(planPush(e));
    const r = applySuccess(e, p, AT);
    e = r.entry;
    expect(r.report).toEqual({ outcome: 'succeeded', customerId: 'c-1', version: 1, contactId: 'x-1', pushedFields: [...MAPPED_FIELDS] });
    expect(e.sent.email).toEqual({ value: 'ada@example.com', version: 1 });
    expect(e.sent.fax).toEqual({ value: '', version: 1 });
    expect(e.pendingFields).toEqual([]);
    expect(e.attempts[0]).toMatchObject({ at: AT, version: 1, outcome: 'succeeded' });
  });

  it('a field changed again while the push was on its way stays pending', () => {
    let e = synced();
    e = record(e, change({ customerVersion: 2, changedFields: ['email'], snapshot: { ...e.desired, email: 'v2@x' } }));
    const p = asPush(planPush(e));
    e = record(e, change({ customerVersion: 3, changedFields: ['email'], snapshot: { ...e.desired, email: 'v3@x' } }));
    e = applySuccess(e, p, AT).entry;
    expect(e.pendingFields).toEqual(['email']);
    expect(asPush(planPush(e)).contact).toEqual({ ContactID: 'x-1', EmailAddress: 'v3@x' });
  });

  it('learns the contact id of a created contact', () => {
    const e = record(undefined, change({ fullPush: true }));
    const p = asPush(planPush(e, null));
    expect(applySuccess(e, p, AT, 'x-new').entry.xeroContactId).toBe('x-new');
  });

  it('keeps the last 20 attempts', () => {
    let e = synced();
    for (let v = 2; v < 30; v++) {
      e = record(e, change({ customerVersion: v, changedFields: ['email'], snapshot: { ...e.desired, email: `v${v}@x` } }));
      e = applySuccess(e, asPush(planPush(e)), AT).entry;
    }
    expect(e.attempts).toHaveLength(20);
    expect(e.attempts[0].version).toBe(29);
  });
});

describe('applyFailure', () => {
  const nameTaken: SyncError = { kind: 'name_taken', message: 'taken', hint: 'rename', retry: 'never' };
  const unavailable: SyncError = { kind: 'unavailable', message: '503', retry: 'same_request' };

  it('a refused push is reported for its version, keeps its fields and holds until the next change', () => {
    let e = record(undefined, change({ xeroContactId: 'x-1' }));
    const p = asPush(planPush(e));
    const r = applyFailure(e, p, nameTaken, AT);
    expect(r.report).toEqual({ outcome: 'failed', customerId: 'c-1', version: 1, error: nameTaken, retrying: false });
    e = r.entry;
    expect(e.attempts[0]).toMatchObject({ outcome: 'failed', message: 'taken', fields: p.fields });
    expect(planPush(e)).toEqual({ kind: 'idle' });
    e = record(e, change({ customerVersion: 2, changedFields: ['firstName'], snapshot: { ...e.desired, firstName: 'Augusta' } }));
    expect(asPush(planPush(e)).fields).toEqual([...MAPPED_FIELDS]); // never received: a first link still
  });

  it('a failure that will be retried keeps everything as it was, except the history', () => {
    const e = record(undefined, change({ xeroContactId: 'x-1' }));
    const p = asPush(planPush(e));
    const r = applyFailure(e, p, unavailable, AT);
    expect(r.report).toMatchObject({ outcome: 'failed', retrying: true });
    expect(planPush(r.entry)).toEqual(p);
    expect(r.entry.attempts[0].outcome).toBe('retrying');
  });
});

describe('batches and results', () => {
  it('splits into requests of 50', () => {
    const items = Array.from({ length: 120 }, (_, i) => i);
    expect(batches(items).map((b) => b.length)).toEqual([50, 50, 20]);
  });

  it('maps each element back by ContactID or ContactNumber, never by name or position', () => {
    const update = asPush(planPush(record(undefined, change({ customerId: 'c-1', xeroContactId: 'x-1' }))));
    const createEntry = record(undefined, change({ customerId: 'c-2', fullPush: true, snapshot: { id: 'c-2', firstName: 'Ada', lastName: 'Lovelace' } }));
    const create = asPush(planPush(createEntry, null));
    const results = matchElements(
      [update, create],
      [
        // reversed order, same names: only the keys count
        { ContactID: 'x-2', ContactNumber: 'c-2', Name: 'Ada Lovelace', ValidationErrors: [{ Message: 'The contact name Ada Lovelace is already assigned to another contact.' }], HasValidationErrors: true },
        { ContactID: 'x-1', Name: 'Ada Lovelace' },
      ],
    );
    expect(results.get(update)).toEqual({ ok: true, contactId: 'x-1' });
    expect(results.get(create)).toMatchObject({ ok: false, error: { kind: 'name_taken' } });
  });

  it('an archived contact is a failure that says how to restore it, even when Xero took the update', () => {
    const update = asPush(planPush(record(undefined, change({ xeroContactId: 'x-1' }))));
    expect(matchElements([update], [{ ContactID: 'x-1', ContactStatus: 'ARCHIVED' }]).get(update)).toMatchObject({
      ok: false,
      error: { kind: 'archived', hint: expect.stringContaining('Restore') },
    });
  });

  it('gives no result for an element Xero did not return', () => {
    const update = asPush(planPush(record(undefined, change({ xeroContactId: 'x-1' }))));
    expect(matchElements([update], [{ ContactID: 'other' }]).size).toBe(0);
  });
});
