/** Xero's rate limits and the injected faults, through xero-node, on a manual clock (no sleeping). */
import { XeroClient } from 'xero-node';
import { DEFAULT_LIMITS } from '../src/app/config/sandbox-options';
import {
  Harness,
  call,
  expectOk,
  http,
  startHarness,
  until,
  xeroClient,
} from '../src/testing/sandbox-harness';

describe('rate limits', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness({ limits: DEFAULT_LIMITS });
  });

  afterAll(async () => {
    await h.close();
  });

  beforeEach(() => {
    h.sandbox.runtime.limiter.setConfig(DEFAULT_LIMITS);
    h.sandbox.runtime.faults.clear();
  });

  async function tenant(
    name: string,
  ): Promise<{ tenantId: string; xero: XeroClient }> {
    const org = h.sandbox.runtime.createOrganisation({ name });
    const token = h.sandbox.runtime.oauth.issueDirect({
      tenantIds: [org.tenantId],
    });
    return { tenantId: org.tenantId, xero: await xeroClient(h.url, token) };
  }

  it('allows 60 calls per fixed minute, then answers 429 minute with Retry-After until the minute turns; refused calls do not count', async () => {
    const { tenantId, xero } = await tenant('Minute Ltd');
    h.clock.advance(60_000 - (h.clock.now() % 60_000)); // start on a minute boundary
    const remaining: string[] = [];
    for (let i = 0; i < 60; i++) {
      const r = await expectOk(
        xero.accountingApi.getContacts(tenantId),
        'Contacts',
      );
      remaining.push(r.headers['x-minlimit-remaining']);
      if (i === 0) {
        expect(r.headers['x-daylimit-remaining']).toBe('4999');
        expect(r.headers['x-appminlimit-remaining']).toBeDefined();
      }
      if (i === 29) h.clock.advance(30_000);
    }
    expect(remaining[0]).toBe('59');
    expect(remaining[59]).toBe('0');

    const refused = await call(xero.accountingApi.getContacts(tenantId));
    expect(refused.status).toBe(429);
    expect(refused.headers['x-rate-limit-problem']).toBe('minute');
    expect(refused.headers['retry-after']).toBe('30'); // the minute turns in 30 s
    expect(refused.headers['x-minlimit-remaining']).toBe('0');
    expect((await call(xero.accountingApi.getContacts(tenantId))).status).toBe(
      429,
    );

    h.clock.advance(30_000);
    const back = await expectOk(
      xero.accountingApi.getContacts(tenantId),
      'Contacts',
    );
    expect(back.headers['x-minlimit-remaining']).toBe('59'); // a new minute; the two 429s never counted
  });

  it('allows 5 calls in flight per tenant; the 6th answers 429 concurrent', async () => {
    const { tenantId, xero } = await tenant('Concurrent Ltd');
    h.sandbox.runtime.faults.set({ tenantId, latencyMs: 1000 });
    const slow = Array.from({ length: 5 }, () =>
      call(xero.accountingApi.getContacts(tenantId)),
    );
    await until(() => h.sandbox.runtime.limiter.inFlight(tenantId) === 5);
    const sixth = await call(xero.accountingApi.getContacts(tenantId));
    expect(sixth.status).toBe(429);
    expect(sixth.headers['x-rate-limit-problem']).toBe('concurrent');
    expect(sixth.headers['retry-after']).toBeUndefined(); // Xero sends none for this limit
    h.clock.advance(1000);
    const done = await Promise.all(slow);
    expect(done.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
    expect(h.sandbox.runtime.limiter.inFlight(tenantId)).toBe(0);
  });

  it('applies the daily limit (until 00:00 UTC) and the per-app minute limit across tenants', async () => {
    const a = await tenant('Day Ltd');
    h.sandbox.runtime.limiter.setConfig({ perDay: 3 });
    for (let i = 0; i < 3; i++)
      await expectOk(a.xero.accountingApi.getContacts(a.tenantId), 'Contacts');
    const day = await call(a.xero.accountingApi.getContacts(a.tenantId));
    expect(day.status).toBe(429);
    expect(day.headers['x-rate-limit-problem']).toBe('day');
    const now = h.clock.now();
    expect(Number(day.headers['retry-after'])).toBe(
      Math.ceil((86_400_000 - (now % 86_400_000)) / 1000),
    );

    h.sandbox.runtime.limiter.setConfig({ perDay: 5000, appPerMinute: 4 });
    h.sandbox.runtime.limiter.reset();
    const b = await tenant('App One Ltd');
    const c = await tenant('App Two Ltd');
    await expectOk(b.xero.accountingApi.getContacts(b.tenantId), 'Contacts');
    await expectOk(b.xero.accountingApi.getContacts(b.tenantId), 'Contacts');
    await expectOk(c.xero.accountingApi.getContacts(c.tenantId), 'Contacts');
    const last = await expectOk(
      c.xero.accountingApi.getContacts(c.tenantId),
      'Contacts',
    );
    expect(last.headers['x-appminlimit-remaining']).toBe('0');
    const app = await call(c.xero.accountingApi.getContacts(c.tenantId));
    expect(app.status).toBe(429);
    expect(app.headers['x-rate-limit-problem']).toBe('appminute');
  });

  it('runs the same rules on a compressed clock (configurable window)', async () => {
    const res = await http(`${h.url}/sandbox/limits`, {
      method: 'PUT',
      json: { perMinute: 2, minuteWindowMs: 6000 },
    });
    expect(res.status).toBe(200);
    const { tenantId, xero } = await tenant('Compressed Ltd');
    h.clock.advance(6000 - (h.clock.now() % 6000)); // start on a (6 s) minute boundary
    await expectOk(xero.accountingApi.getContacts(tenantId), 'Contacts');
    await expectOk(xero.accountingApi.getContacts(tenantId), 'Contacts');
    const refused = await call(xero.accountingApi.getContacts(tenantId));
    expect(refused.headers['retry-after']).toBe('6');
    h.clock.advance(6000);
    await expectOk(xero.accountingApi.getContacts(tenantId), 'Contacts');
  });

  it('injects forced 429s, 503s and lost replies on demand', async () => {
    const { tenantId, xero } = await tenant('Faults Ltd');
    await http(`${h.url}/sandbox/faults`, {
      method: 'PUT',
      json: {
        tenantId,
        force429Next: 1,
        force429Problem: 'day',
        force429RetryAfterSec: 120,
      },
    });
    const forced = await call(xero.accountingApi.getContacts(tenantId));
    expect([
      forced.status,
      forced.headers['x-rate-limit-problem'],
      forced.headers['retry-after'],
    ]).toEqual([429, 'day', '120']);

    h.sandbox.runtime.faults.set({ tenantId, failNext: 2, errorStatus: 503 });
    expect((await call(xero.accountingApi.getContacts(tenantId))).status).toBe(
      503,
    );
    expect((await call(xero.accountingApi.getContacts(tenantId))).status).toBe(
      503,
    );
    await expectOk(xero.accountingApi.getContacts(tenantId), 'Contacts');

    // Lost reply: the contact is written but the caller never hears back.
    h.sandbox.runtime.faults.set({ tenantId, lostReplyNext: 1 });
    const lost = await call(
      xero.accountingApi.createContacts(tenantId, {
        contacts: [{ name: 'Written But Unacknowledged' }],
      }),
    );
    expect(lost.ok).toBe(false);
    expect(lost.status).toBe(0);
    const found = await expectOk(
      xero.accountingApi.getContacts(
        tenantId,
        undefined,
        'Name=="Written But Unacknowledged"',
      ),
      'Contacts',
    );
    expect((found.raw['Contacts'] as unknown[]).length).toBe(1);
  });

  it('holds hung requests until the client gives up, freeing the slot', async () => {
    const { tenantId } = await tenant('Hung Ltd');
    const token = h.sandbox.runtime.oauth.issueDirect({
      tenantIds: [tenantId],
    });
    h.sandbox.runtime.faults.set({ tenantId, hangNext: 1 });
    const abort = new AbortController();
    const pending = fetch(`${h.url}/api.xro/2.0/Contacts`, {
      headers: {
        authorization: `Bearer ${token.access_token}`,
        'xero-tenant-id': tenantId,
      },
      signal: abort.signal,
    }).catch((e: Error) => e.name);
    await until(() => h.sandbox.runtime.hungResponses.size === 1);
    expect(h.sandbox.runtime.limiter.inFlight(tenantId)).toBe(1);
    abort.abort();
    expect(await pending).toBe('AbortError');
    await until(() => h.sandbox.runtime.limiter.inFlight(tenantId) === 0);
  });
});
