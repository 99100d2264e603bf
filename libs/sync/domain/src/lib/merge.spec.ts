import { newLedgerEntry, recordChange } from './ledger';
import { planPush } from './push-plan';
import { relinkMerged } from './merge';

describe('relinkMerged', () => {
  const linked = {
    ...newLedgerEntry('r', 'c1', { id: 'c1', firstName: 'Ada', lastName: 'Lovelace', email: 'ada@example.com' }),
    desiredVersion: 3,
    reportedVersion: 2,
    xeroContactId: 'old',
    sent: { email: { value: 'ada@example.com', version: 2 } },
  };

  it('relinks to the surviving contact, says so in the history and reports relinkedFrom', () => {
    const r = relinkMerged(linked, { contactId: 'new', name: 'Ada Holdings' }, '2026-01-01T00:00:00.000Z');
    if (r === 'unchanged') throw new Error('expected a relink');
    expect(r.entry).toMatchObject({ xeroContactId: 'new', relinkedFrom: 'old' });
    expect(r.entry.attempts[0]).toMatchObject({ outcome: 'succeeded', message: 'merged in Xero into Ada Holdings', fields: [] });
    expect(r.report).toEqual({ outcome: 'succeeded', customerId: 'c1', version: 2, contactId: 'new', pushedFields: [], relinkedFrom: { contactId: 'old', reason: 'merged', intoName: 'Ada Holdings' } });
  });

  it('changes nothing when already linked to the survivor', () => {
    expect(relinkMerged(linked, { contactId: 'old' }, 'x')).toBe('unchanged');
  });

  it('the next push goes to the surviving contact by ContactID, never with the ContactNumber', () => {
    const r = relinkMerged({ ...linked, sent: {}, pendingFields: ['email'] }, { contactId: 'new' }, 'x');
    if (r === 'unchanged') throw new Error('expected a relink');
    const plan = planPush(r.entry);
    expect(plan).toMatchObject({ kind: 'push', contactId: 'new' });
    expect(plan.kind === 'push' && plan.contact.ContactNumber).toBeFalsy();
  });
});

describe('an unlink', () => {
  it('forgets the contact and what it received; the next push looks up and creates a contact numbered <id>.1', () => {
    const linked = {
      ...newLedgerEntry('r', 'c1', { id: 'c1', firstName: 'Ada', lastName: 'Lovelace' }),
      desiredVersion: 2,
      reportedVersion: 2,
      xeroContactId: 'archived',
      sent: { firstName: { value: 'Ada', version: 2 } },
      heldByFailure: true,
    };
    const next = recordChange(linked, { eventId: 'e', retailerId: 'r', customerId: 'c1', customerVersion: 2, changedFields: [], snapshot: linked.desired, fullPush: true, xeroContactId: undefined, unlink: true });
    if (next === 'duplicate') throw new Error('not a duplicate');
    expect(next).toMatchObject({ xeroContactId: undefined, sent: {}, unlinks: 1, heldByFailure: false });
    expect(planPush(next)).toMatchObject({ kind: 'lookup', contactNumber: 'c1.1' });
    expect(planPush(next, null)).toMatchObject({ kind: 'push', contactId: undefined, contact: { ContactNumber: 'c1.1' } });
  });
});
