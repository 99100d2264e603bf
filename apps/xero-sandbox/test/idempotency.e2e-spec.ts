/** The Idempotency-Key header on PUT/POST, through xero-node's idempotencyKey argument. */
import {
  Harness,
  call,
  expectFailure,
  expectOk,
  startHarness,
} from '../src/testing/sandbox-harness';

describe('Idempotency-Key', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness();
  });

  afterAll(async () => {
    await h.close();
  });

  const count = () => h.org.contacts.size;
  const api = () => h.xero.accountingApi;

  it('replays the first result (same status and body) and writes nothing', async () => {
    const before = count();
    const first = await expectOk(
      api().createContacts(
        h.tenantId,
        { contacts: [{ name: 'Idem One' }] },
        undefined,
        'key-1',
      ),
      'Contacts',
    );
    expect(count()).toBe(before + 1);
    h.clock.advance(60_000);
    const replay = await expectOk(
      api().createContacts(
        h.tenantId,
        { contacts: [{ name: 'Idem One' }] },
        undefined,
        'key-1',
      ),
      'Contacts',
    );
    expect(replay.status).toBe(first.status);
    expect(replay.raw).toEqual(first.raw);
    expect(count()).toBe(before + 1);
    const log = h.sandbox.runtime.requestLog.list({
      tenantId: h.tenantId,
      method: 'PUT',
    });
    expect(log.at(-1)?.outcome).toBe('idempotent-replay');
  });

  it('refuses the same key with a different body (400) and writes nothing', async () => {
    await expectOk(
      api().createContacts(
        h.tenantId,
        { contacts: [{ name: 'Idem Two' }] },
        undefined,
        'key-2',
      ),
      'Contacts',
    );
    const before = count();
    const r = await expectFailure(
      api().createContacts(
        h.tenantId,
        { contacts: [{ name: 'Idem Two B' }] },
        undefined,
        'key-2',
      ),
      400,
    );
    expect(r.raw['Message']).toMatch(/Idempotency-Key/);
    expect(count()).toBe(before);
    // same key on another path (POST vs PUT) is a different request too
    await expectFailure(
      api().updateOrCreateContacts(
        h.tenantId,
        { contacts: [{ name: 'Idem Two' }] },
        undefined,
        'key-2',
      ),
      400,
    );
  });

  it('replays a 400 as a 400, without writing the good elements again', async () => {
    await expectOk(
      api().createContacts(h.tenantId, { contacts: [{ name: 'Idem Taken' }] }),
      'Contacts',
    );
    const body = { contacts: [{ name: 'Idem Fresh' }, { name: 'Idem Taken' }] };
    const first = await expectFailure(
      api().createContacts(h.tenantId, body, undefined, 'key-3'),
      400,
    );
    const after = count();
    const replay = await expectFailure(
      api().createContacts(h.tenantId, body, undefined, 'key-3'),
      400,
    );
    expect(replay.raw).toEqual(first.raw);
    expect(count()).toBe(after);
  });

  it('forgets a key after its lifetime (6 minutes): the request runs again', async () => {
    await expectOk(
      api().createContacts(
        h.tenantId,
        { contacts: [{ name: 'Idem Expiry' }] },
        undefined,
        'key-4',
      ),
      'Contacts',
    );
    h.clock.advance(6 * 60_000 - 1000);
    await expectOk(
      api().createContacts(
        h.tenantId,
        { contacts: [{ name: 'Idem Expiry' }] },
        undefined,
        'key-4',
      ),
      'Contacts',
    );
    h.clock.advance(2000);
    const again = await expectFailure(
      api().createContacts(
        h.tenantId,
        { contacts: [{ name: 'Idem Expiry' }] },
        undefined,
        'key-4',
      ),
      400,
    );
    expect(JSON.stringify(again.raw)).toContain(
      'is already assigned to another contact',
    );
  });

  it('returns the original reply after a lost reply, so a retry creates exactly one contact', async () => {
    h.sandbox.runtime.faults.set({ tenantId: h.tenantId, lostReplyNext: 1 });
    const before = count();
    const lost = await call(
      api().createContacts(
        h.tenantId,
        { contacts: [{ name: 'Idem Lost Reply' }] },
        undefined,
        'key-5',
      ),
    );
    expect(lost.ok).toBe(false);
    const retry = await expectOk(
      api().createContacts(
        h.tenantId,
        { contacts: [{ name: 'Idem Lost Reply' }] },
        undefined,
        'key-5',
      ),
      'Contacts',
    );
    expect(
      (retry.raw['Contacts'] as Array<Record<string, unknown>>)[0]['Name'],
    ).toBe('Idem Lost Reply');
    expect(count()).toBe(before + 1);
  });

  it('refuses keys longer than 128 characters and scopes keys per tenant', async () => {
    const long = await call(
      api().createContacts(
        h.tenantId,
        { contacts: [{ name: 'Idem Long' }] },
        undefined,
        'k'.repeat(129),
      ),
    );
    expect(long.status).toBe(400);
    await expectOk(
      api().createContacts(
        h.tenantId,
        { contacts: [{ name: 'Idem Max' }] },
        undefined,
        'k'.repeat(128),
      ),
      'Contacts',
    );

    const other = h.sandbox.runtime.createOrganisation({
      name: 'Idem Other Ltd',
    });
    h.sandbox.runtime.oauth.issueDirect({ tenantIds: [other.tenantId] });
    // the harness client's user now also holds a connection to the other tenant
    const r = await expectOk(
      api().createContacts(
        other.tenantId,
        { contacts: [{ name: 'Idem One' }] },
        undefined,
        'key-1',
      ),
      'Contacts',
    );
    expect(other.contacts.size).toBe(1);
    expect(r.status).toBe(200);
  });
});
