import { MAPPED_FIELDS } from './customer.types';
import { HISTORY_LIMIT, XeroLink, canPushNow, newXeroLink, onChangeRequested, onSyncFailed, onSyncSucceeded, onXeroDrifted, onUnlinked } from './xero-link';

const at = (n: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, n)).toISOString();
const ok = (version: number, n = version, contactId = 'x-1') => ({ version, contactId, pushedFields: ['email'], at: at(n) });
const refused = (version: number, retrying: boolean, n = version, message = 'Xero said no') => ({ version, kind: 'validation' as const, message, retrying, at: at(n) });

/** A customer Xero holds at version 1. */
function synced(): XeroLink {
  return onSyncSucceeded(onChangeRequested(newXeroLink(), MAPPED_FIELDS, true, 1), ok(1));
}

describe('onChangeRequested', () => {
  it('leaves an unlinked customer not linked on an ordinary edit', () => {
    const link = newXeroLink();
    expect(onChangeRequested(link, ['email'], false, 2)).toEqual({ ...link, requiredVersion: 2 });
  });

  it('turns an unlinked customer pending on a full push (it creates the contact)', () => {
    expect(onChangeRequested(newXeroLink(), MAPPED_FIELDS, true, 1)).toMatchObject({ status: 'pending', pendingFields: [...MAPPED_FIELDS], requiredVersion: 1 });
  });

  it('turns a linked customer pending and adds to what is waiting', () => {
    const once = onChangeRequested(synced(), ['email'], false, 2);
    expect(once).toMatchObject({ status: 'pending', pendingFields: ['email'], contactId: 'x-1', requiredVersion: 2 });
    expect(onChangeRequested(once, ['phone', 'email'], false, 3).pendingFields).toEqual(['email', 'phone']);
  });

  it('turns a failed customer pending again', () => {
    const failed = onSyncFailed(onChangeRequested(synced(), ['email'], false, 2), refused(2, false));
    expect(failed.status).toBe('failed');
    expect(onChangeRequested(failed, ['phone'], false, 3).status).toBe('pending');
  });
});

describe('the required version', () => {
  it('is the version of the latest change that asked for a push; a result must reach it to count', () => {
    const v2 = onChangeRequested(synced(), ['email'], false, 2);
    const fullPushAtV2 = onChangeRequested(v2, MAPPED_FIELDS, true, 2);
    expect(fullPushAtV2.requiredVersion).toBe(2);
    expect(onSyncSucceeded(fullPushAtV2, ok(1)).status).toBe('pending');
    expect(onSyncSucceeded(fullPushAtV2, ok(2)).status).toBe('synced');
    expect(onSyncFailed(onChangeRequested(v2, ['phone'], false, 3), refused(2, false)).status).toBe('pending');
  });
});

describe('onSyncSucceeded', () => {
  it('turns the current version synced: the contact, nothing waiting, no error, no drift', () => {
    const pending = onXeroDrifted(onChangeRequested(synced(), ['email'], false, 2), { email: { pos: 'a', xero: 'b' } });
    const next = onSyncSucceeded(pending, ok(2));
    expect(next).toMatchObject({ status: 'synced', contactId: 'x-1', pendingFields: [], syncedVersion: 2, resultVersion: 2 });
    expect(next.lastError).toBeUndefined();
    expect(next.drift).toBeUndefined();
    expect(next.history[0]).toEqual({ at: at(2), version: 2, fields: ['email'], outcome: 'succeeded' });
  });

  it('leaves the customer pending when a newer version exists (success for 4 while 5 exists)', () => {
    let link = onChangeRequested(synced(), ['email'], false, 4);
    link = onChangeRequested(link, ['phone'], false, 5);
    const next = onSyncSucceeded(link, ok(4));
    expect(next).toMatchObject({ status: 'pending', pendingFields: ['email', 'phone'], resultVersion: 4, syncedVersion: 4 });
  });

  it('only records a result older than one already applied', () => {
    const pending = onChangeRequested(synced(), ['email'], false, 3);
    const current = onSyncSucceeded(pending, ok(3));
    const late = onSyncSucceeded(current, ok(2));
    expect(late).toEqual({ ...current, history: [expect.objectContaining({ version: 2 }), ...current.history] });
  });

  it('orders two results for one version by when they happened', () => {
    const pending = onChangeRequested(synced(), ['email'], false, 2);
    const succeeded = onSyncSucceeded(pending, ok(2, 20));
    const earlierRetry = onSyncFailed(succeeded, refused(2, true, 10));
    expect(earlierRetry).toMatchObject({ status: 'synced', resultVersion: 2, resultAt: at(20) });
    expect(earlierRetry.lastError).toBeUndefined();
    // a later failure for that version (a manual push refused) does count
    const laterRefusal = onSyncFailed(succeeded, refused(2, false, 30));
    expect(laterRefusal.status).toBe('failed');
  });

  it('links a customer on its first success and keeps the contact of a late older result', () => {
    const created = onSyncSucceeded(onChangeRequested(newXeroLink(), MAPPED_FIELDS, true, 1), ok(1, 1, 'new-contact'));
    expect(created.contactId).toBe('new-contact');
  });

  it('keeps no more than the last HISTORY_LIMIT attempts', () => {
    let link = synced();
    for (let i = 0; i < HISTORY_LIMIT + 5; i++) link = onSyncFailed(link, refused(1, true, 100 + i, `try ${i}`));
    expect(link.history).toHaveLength(HISTORY_LIMIT);
    expect(link.history[0].error).toBe(`try ${HISTORY_LIMIT + 4}`);
  });
});

describe('onSyncFailed', () => {
  const pending = () => onChangeRequested(synced(), ['companyName'], false, 2);

  it("shows failed with Xero's reason and kind when the current version was refused for good", () => {
    const next = onSyncFailed(pending(), refused(2, false, 2, 'Name already used'));
    expect(next).toMatchObject({ status: 'failed', pendingFields: ['companyName'], lastError: { kind: 'validation', message: 'Name already used', version: 2, at: at(2) } });
    expect(next.history[0]).toEqual({ at: at(2), version: 2, fields: ['companyName'], outcome: 'failed', error: 'Name already used' });
  });

  it('stays pending, with the error, while xero-sync retries', () => {
    const next = onSyncFailed(pending(), { ...refused(2, true), kind: 'rate_limited' });
    expect(next).toMatchObject({ status: 'pending', lastError: { kind: 'rate_limited' } });
    expect(next.history[0].outcome).toBe('retrying');
  });

  it('stays pending when an older version was refused (a newer one is on its way)', () => {
    expect(onSyncFailed(onChangeRequested(pending(), ['email'], false, 3), refused(2, false)).status).toBe('pending');
  });

  it('only records a failure older than the result already applied', () => {
    const done = onSyncSucceeded(onChangeRequested(pending(), ['email'], false, 3), ok(3));
    const late = onSyncFailed(done, refused(2, false));
    expect(late).toMatchObject({ status: 'synced', resultVersion: 3 });
    expect(late.lastError).toBeUndefined();
    expect(late.history).toHaveLength(done.history.length + 1);
  });

  it('a success after a failure clears the error', () => {
    const failed = onSyncFailed(pending(), refused(2, false));
    const fixed = onSyncSucceeded(failed, ok(2, 50));
    expect(fixed.status).toBe('synced');
    expect(fixed.lastError).toBeUndefined();
  });
});

describe('onUnlinked', () => {
  it('clears the link, the error and the drift, and asks for everything to be pushed (a new contact)', () => {
    const failed = onSyncFailed(onChangeRequested(synced(), ['email'], false, 2), refused(2, false));
    const next = onUnlinked(failed, 2);
    expect(next).toMatchObject({ status: 'pending', requiredVersion: 2 });
    expect(next.contactId).toBeUndefined();
    expect(next.lastError).toBeUndefined();
    expect(next.pendingFields).toHaveLength(MAPPED_FIELDS.length);
  });
});

describe('a relink after a merge in Xero', () => {
  it('moves the customer to the surviving contact and says so in the history', () => {
    const next = onSyncSucceeded(synced(), {
      version: 1,
      contactId: 'survivor',
      pushedFields: [],
      at: '2030-01-01T00:00:00.000Z',
      relinkedFrom: { contactId: 'old', reason: 'merged', intoName: 'Ada Holdings' },
    });
    expect(next).toMatchObject({ contactId: 'survivor', status: 'synced' });
    expect(next.history[0]).toMatchObject({ outcome: 'succeeded', note: 'merged in Xero into Ada Holdings' });
  });
});

describe('onXeroDrifted and canPushNow', () => {
  it('records the fields edited in Xero, when they were seen, without changing the status', () => {
    const once = onXeroDrifted(synced(), { email: { pos: 'a@x', xero: 'b@x' } }, '2026-01-01T00:00:00.000Z');
    expect(once).toMatchObject({ status: 'synced', drift: { email: { pos: 'a@x', xero: 'b@x', seenAt: '2026-01-01T00:00:00.000Z' } } });
  });

  it('a report replaces the drift (a field still drifted keeps when it was first seen); an empty one clears it', () => {
    const once = onXeroDrifted(synced(), { email: { pos: 'a@x', xero: 'b@x' } }, '2026-01-01T00:00:00.000Z');
    const twice = onXeroDrifted(once, { email: { pos: 'a@x', xero: 'b@x' }, phone: { pos: '1', xero: '2' } }, '2026-01-02T00:00:00.000Z');
    expect(twice.drift).toEqual({
      email: { pos: 'a@x', xero: 'b@x', seenAt: '2026-01-01T00:00:00.000Z' },
      phone: { pos: '1', xero: '2', seenAt: '2026-01-02T00:00:00.000Z' },
    });
    expect(onXeroDrifted(twice, {}, '2026-01-03T00:00:00.000Z').drift).toBeUndefined();
  });

  it('allows push now for pending, failed and unlinked customers, and synced ones edited in Xero', () => {
    expect(canPushNow(onChangeRequested(synced(), ['email'], false, 2))).toBe(true);
    expect(canPushNow(onSyncFailed(onChangeRequested(synced(), ['email'], false, 2), refused(2, false)))).toBe(true);
    expect(canPushNow(newXeroLink())).toBe(true);
    expect(canPushNow(onXeroDrifted(synced(), { email: { pos: 'a@x', xero: 'b@x' } }))).toBe(true);
    expect(canPushNow(synced())).toBe(false);
  });
});
