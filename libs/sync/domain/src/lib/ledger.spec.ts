import { ChangeRequest, LedgerEntry, recordChange, sameValue } from './ledger';

let n = 0;
const change = (over: Partial<ChangeRequest> = {}): ChangeRequest => ({
  eventId: `e-${++n}`,
  retailerId: 'r-1',
  customerId: 'c-1',
  customerVersion: 1,
  changedFields: ['firstName', 'email'],
  snapshot: { id: 'c-1', firstName: 'Ada', email: 'ada@example.com' },
  fullPush: false,
  ...over,
});

function record(entry: LedgerEntry | undefined, c: ChangeRequest): LedgerEntry {
  const r = recordChange(entry, c);
  if (r === 'duplicate') throw new Error('unexpected duplicate');
  return r;
}

describe('recordChange', () => {
  it('starts an entry with the desired snapshot and the changed fields waiting', () => {
    const c = change();
    expect(record(undefined, c)).toEqual({
      retailerId: 'r-1',
      customerId: 'c-1',
      desiredVersion: 1,
      desired: c.snapshot,
      pendingFields: ['firstName', 'email'],
      fullPushVersion: undefined,
      xeroContactId: undefined,
      heldByFailure: false,
      sent: {},
      attempts: [],
      recentEventIds: [c.eventId],
    });
  });

  it('is idempotent by event id', () => {
    const c = change();
    const entry = record(undefined, c);
    expect(recordChange(entry, c)).toBe('duplicate');
  });

  it('adds the fields of later changes and keeps the newest snapshot', () => {
    const v1 = record(undefined, change());
    const v2 = record(v1, change({ customerVersion: 2, changedFields: ['phone'], snapshot: { id: 'c-1', firstName: 'Ada', phone: '1' } }));
    expect(v2).toMatchObject({ desiredVersion: 2, desired: { phone: '1' }, pendingFields: ['firstName', 'email', 'phone'] });
  });

  it('never lets a stale version replace a newer snapshot; its fields are still considered against the newer one', () => {
    const v3 = record(undefined, change({ customerVersion: 3, snapshot: { id: 'c-1', firstName: 'Newest' } }));
    const late = record(v3, change({ customerVersion: 2, changedFields: ['taxNumber'], snapshot: { id: 'c-1', firstName: 'Older' } }));
    expect(late).toMatchObject({ desiredVersion: 3, desired: { firstName: 'Newest' } });
    expect(late.pendingFields).toContain('taxNumber');
  });

  it('a full push is remembered by the version that asked for it', () => {
    const full = record(undefined, change({ fullPush: true, changedFields: [] }));
    expect(full.fullPushVersion).toBe(1);
    expect(record(full, change({ customerVersion: 2, changedFields: ['email'] })).fullPushVersion).toBe(1);
    expect(record(full, change({ customerVersion: 2, fullPush: true })).fullPushVersion).toBe(2);
  });

  it('ignores field names that are not mapped (the note, or anything unknown)', () => {
    expect(record(undefined, change({ changedFields: ['note', 'favouriteColour', 'email'] })).pendingFields).toEqual(['email']);
  });

  it('keeps the contact id it learnt first', () => {
    const linked = record(undefined, change({ xeroContactId: 'x-1' }));
    expect(record(linked, change({ customerVersion: 2, xeroContactId: 'x-2' })).xeroContactId).toBe('x-1');
    expect(record(record(undefined, change()), change({ customerVersion: 2, xeroContactId: 'x-3' })).xeroContactId).toBe('x-3');
  });

  it('a new change releases a customer held by a refused push', () => {
    const held = { ...record(undefined, change()), heldByFailure: true };
    expect(record(held, change({ customerVersion: 2 })).heldByFailure).toBe(false);
  });

  it('remembers a bounded number of event ids, newest first', () => {
    let entry = record(undefined, change());
    for (let i = 0; i < 120; i++) entry = record(entry, change({ customerVersion: i + 2 }));
    expect(entry.recentEventIds).toHaveLength(100);
    expect(entry.recentEventIds[0]).toBe(`e-${n}`);
  });
});

describe('sameValue', () => {
  it('treats absent, empty and blank as one empty value', () => {
    expect(sameValue(undefined, '')).toBe(true);
    expect(sameValue('  ', undefined)).toBe(true);
    expect(sameValue({ line1: '', city: undefined }, undefined)).toBe(true);
    expect(sameValue('a', 'b')).toBe(false);
  });

  it('compares addresses part by part, whatever the key order', () => {
    expect(sameValue({ line1: '1 St', city: 'X' }, { city: 'X', line1: '1 St' })).toBe(true);
    expect(sameValue({ line1: '1 St', city: 'X' }, { line1: '1 St', city: 'Y' })).toBe(false);
  });
});
