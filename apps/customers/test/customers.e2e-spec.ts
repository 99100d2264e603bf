import request from 'supertest';
import { CustomersInstance, CustomersSuite, Retailer } from './support/customers-harness';

/**
 * The customers API over HTTP on the real database: retailers and API keys, tenant isolation,
 * create / read / partial update / delete, versions and If-Match, customer codes, search and paging.
 */
describe('customers API', () => {
  const suite = new CustomersSuite();
  let svc: CustomersInstance;
  let shop: Retailer;
  let other: Retailer;

  beforeAll(async () => {
    svc = await suite.start();
    [shop, other] = await Promise.all([suite.retailer(svc.url, 'Corner Store'), suite.retailer(svc.url, 'Other Shop')]);
  });
  afterAll(() => suite.close());

  describe('retailers and API keys', () => {
    it('creates a retailer with the admin token and shows its API key once, storing only a hash', async () => {
      const res = await request(svc.url).post('/api/retailers').set('authorization', `Bearer ${suite.adminToken}`).send({ name: '  Hat Shop ' });
      expect(res.status).toBe(201);
      expect(res.body).toEqual({ id: expect.any(String), name: 'Hat Shop', apiKey: expect.stringMatching(/^pos_\S{40,}$/) });

      const stored = await (await suite.db()).collection('retailers').findOne({ _id: res.body.id } as never);
      expect(stored).toMatchObject({ name: 'Hat Shop', apiKeyHash: expect.stringMatching(/^[0-9a-f]{64}$/) });
      expect(JSON.stringify(stored)).not.toContain(res.body.apiKey);

      // the key works
      const list = await request(svc.url).get('/api/customers').set('authorization', `Bearer ${res.body.apiKey}`);
      expect(list.status).toBe(200);
      expect(list.body).toMatchObject({ items: [], total: 0 });
    });

    it.each([
      ['no token', undefined],
      ['a wrong token', 'Bearer not-the-admin-token-at-all'],
      ['a retailer API key', 'retailer'],
      ['a malformed header', 'Basic abc'],
    ])('refuses to create a retailer with %s (401)', async (_label, auth) => {
      const req = request(svc.url).post('/api/retailers');
      if (auth === 'retailer') req.set('authorization', `Bearer ${shop.apiKey}`);
      else if (auth) req.set('authorization', auth);
      const res = await req.send({ name: 'Sneaky' });
      expect(res.status).toBe(401);
      expect(res.body).toMatchObject({ statusCode: 401, error: 'Unauthorized', message: expect.any(String) });
    });

    it('refuses a retailer without a name (400)', async () => {
      const res = await request(svc.url).post('/api/retailers').set('authorization', `Bearer ${suite.adminToken}`).send({ name: '   ' });
      expect(res.status).toBe(400);
      expect(res.body.details).toEqual(expect.arrayContaining([expect.objectContaining({ field: 'name' })]));
    });

    const someId = '7b0e1c7e-2f56-4d8e-9d0a-3f1f6b0c9a11';
    it.each([
      ['GET', '/api/customers'],
      ['POST', '/api/customers'],
      ['GET', `/api/customers/${someId}`],
      ['PATCH', `/api/customers/${someId}`],
      ['DELETE', `/api/customers/${someId}`],
      ['POST', `/api/customers/${someId}/on-account-sales`],
      ['POST', `/api/customers/${someId}/xero/push`],
      ['GET', `/api/customers/${someId}/xero`],
      ['GET', '/api/xero/connection'],
      ['GET', '/api/xero/connect'],
    ])('%s %s answers 401 without a key and with a wrong key', async (method, path) => {
      const call = (auth?: string) => {
        const r = request(svc.url)[method.toLowerCase() as 'get' | 'post' | 'patch' | 'delete'](path);
        if (auth) r.set('authorization', auth);
        return method === 'GET' || method === 'DELETE' ? r : r.send({ firstName: 'X' });
      };
      for (const auth of [undefined, 'Bearer pos_wrong-key', `Bearer ${suite.adminToken}`, 'Bearer']) {
        const res = await call(auth);
        expect(res.status).toBe(401);
        expect(res.body.statusCode).toBe(401);
      }
    });
  });

  describe('create and read', () => {
    const full = {
      customerCode: 'C-1001',
      firstName: 'Ada',
      lastName: 'Lovelace',
      companyName: 'Analytical Engines Ltd',
      email: 'ada@example.com',
      phone: '09 555 0100',
      mobile: '021 555 0101',
      fax: '09 555 0102',
      physicalAddress: { line1: '1 Engine St', line2: 'Level 2', suburb: 'Ponsonby', city: 'Auckland', postcode: '1011', state: 'Auckland', country: 'NZ' },
      postalAddress: { line1: 'PO Box 12', city: 'Auckland', postcode: '1140', country: 'NZ' },
      taxNumber: '123-456-789',
      note: 'prefers email',
    };

    it('creates a customer with every field and reads it back with its version as ETag', async () => {
      const res = await shop.post('/api/customers', full);
      expect(res.status).toBe(201);
      expect(res.headers['etag']).toBe('"1"');
      expect(res.headers['location']).toBe(`/api/customers/${res.body.id}`);
      expect(res.body).toEqual({
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        version: 1,
        ...full,
        xeroStatus: 'not_linked',
        createdAt: expect.any(String),
        updatedAt: expect.any(String),
      });

      const got = await shop.get(`/api/customers/${res.body.id}`);
      expect(got.status).toBe(200);
      expect(got.headers['etag']).toBe('"1"');
      expect(got.body).toEqual(res.body);
    });

    it('trims values and treats empty strings as absent', async () => {
      const c = await shop.createCustomer({ firstName: '  Grace ', lastName: 'Hopper', email: '', phone: '   ', physicalAddress: { line1: ' ', city: '' } });
      expect(c).toMatchObject({ firstName: 'Grace', lastName: 'Hopper' });
      for (const f of ['email', 'phone', 'physicalAddress']) expect(c).not.toHaveProperty(f);
    });

    it('accepts a customer with only a company name, or only a last name', async () => {
      await expect(shop.createCustomer({ companyName: 'Widgets Inc' })).resolves.toMatchObject({ companyName: 'Widgets Inc' });
      await expect(shop.createCustomer({ lastName: 'Solo' })).resolves.toMatchObject({ lastName: 'Solo' });
    });

    it('answers 404 for an unknown id and for an id that is not a uuid', async () => {
      for (const id of ['6f1c1c1e-0000-4000-8000-000000000000', 'not-a-uuid', '1', "x' OR 1=1"]) {
        const res = await shop.get(`/api/customers/${encodeURIComponent(id)}`);
        expect(res.status).toBe(404);
        expect(res.body).toMatchObject({ statusCode: 404, error: 'Not Found' });
      }
    });
  });

  describe('partial update, versions and If-Match', () => {
    let id: string;
    beforeEach(async () => {
      id = (
        await shop.createCustomer({
          firstName: 'Alan',
          lastName: 'Turing',
          email: 'alan@example.com',
          phone: '09 111',
          physicalAddress: { line1: '2 Bletchley Rd', suburb: 'Milton', city: 'Keynes', country: 'UK' },
        })
      ).id;
    });

    it('changes only the fields sent, bumps the version and the ETag', async () => {
      const res = await shop.patch(`/api/customers/${id}`, { email: 'turing@example.com' });
      expect(res.status).toBe(200);
      expect(res.headers['etag']).toBe('"2"');
      expect(res.body).toMatchObject({ version: 2, firstName: 'Alan', lastName: 'Turing', email: 'turing@example.com', phone: '09 111' });
    });

    it('clears a field sent as null or "", and merges an address part by part', async () => {
      const res = await shop.patch(`/api/customers/${id}`, {
        phone: null,
        email: '',
        physicalAddress: { city: 'Cambridge', suburb: null },
      });
      expect(res.status).toBe(200);
      expect(res.body).not.toHaveProperty('phone');
      expect(res.body).not.toHaveProperty('email');
      expect(res.body.physicalAddress).toEqual({ line1: '2 Bletchley Rd', city: 'Cambridge', country: 'UK' });

      const cleared = await shop.updateCustomer(id, { physicalAddress: null });
      expect(cleared).not.toHaveProperty('physicalAddress');
      expect(cleared.version).toBe(3);
    });

    it('a note-only edit is a new version; an edit that changes nothing is not', async () => {
      expect((await shop.updateCustomer(id, { note: 'likes tea' })).version).toBe(2);
      expect((await shop.updateCustomer(id, { note: 'likes tea', firstName: ' Alan ' })).version).toBe(2);
      expect((await shop.updateCustomer(id, {})).version).toBe(2);
    });

    it('refuses to remove the last name a customer has (400) and keeps it', async () => {
      const res = await shop.patch(`/api/customers/${id}`, { firstName: null, lastName: '' });
      expect(res.status).toBe(400);
      expect(res.body.details).toMatchObject({ code: 'CUSTOMER.NAME_REQUIRED' });
      expect((await shop.get(`/api/customers/${id}`)).body).toMatchObject({ version: 1, firstName: 'Alan', lastName: 'Turing' });
    });

    it('applies a PATCH whose If-Match names the current version', async () => {
      for (const tag of ['"1"', 'W/"2"', '3', '*']) {
        const res = await shop.patch(`/api/customers/${id}`, { note: `n${tag}` }).set('if-match', tag);
        expect([tag, res.status, res.body]).toEqual([tag, 200, expect.anything()]);
      }
      expect((await shop.get(`/api/customers/${id}`)).body.version).toBe(5);
    });

    it('answers 412 to a stale If-Match and writes nothing', async () => {
      await shop.updateCustomer(id, { lastName: 'M. Turing' });
      const res = await shop.patch(`/api/customers/${id}`, { firstName: 'Stale', note: 'stale' }).set('if-match', '"1"');
      expect(res.status).toBe(412);
      expect(res.body).toMatchObject({ statusCode: 412, details: { code: 'CUSTOMER.VERSION_MISMATCH', currentVersion: 2 } });
      const now = await shop.get(`/api/customers/${id}`);
      expect(now.body).toMatchObject({ version: 2, firstName: 'Alan', lastName: 'M. Turing' });
      expect(now.body).not.toHaveProperty('note');
    });

    it('answers 400 to a malformed If-Match', async () => {
      const res = await shop.patch(`/api/customers/${id}`, { note: 'x' }).set('if-match', 'yesterday');
      expect(res.status).toBe(400);
      expect(res.body.details).toEqual([expect.objectContaining({ field: 'If-Match' })]);
    });
  });

  describe('delete', () => {
    it('deletes: then GET, PATCH, DELETE and the Xero view answer 404 and search no longer finds it', async () => {
      const c = await shop.createCustomer({ firstName: 'Dora', lastName: 'Deleted', customerCode: 'DEL-1' });
      expect((await shop.delete(`/api/customers/${c.id}`)).status).toBe(204);
      expect((await shop.get(`/api/customers/${c.id}`)).status).toBe(404);
      expect((await shop.patch(`/api/customers/${c.id}`, { note: 'x' })).status).toBe(404);
      expect((await shop.delete(`/api/customers/${c.id}`)).status).toBe(404);
      expect((await shop.get(`/api/customers/${c.id}/xero`)).status).toBe(404);
      expect((await shop.post(`/api/customers/${c.id}/xero/push`)).status).toBe(404);
      expect((await shop.get('/api/customers?q=dora')).body.items).toEqual([]);
    });

    it('frees the customer code of a deleted customer', async () => {
      const c = await shop.createCustomer({ firstName: 'First', customerCode: 'REUSE-1' });
      expect((await shop.post('/api/customers', { firstName: 'Second', customerCode: 'REUSE-1' })).status).toBe(409);
      await shop.delete(`/api/customers/${c.id}`);
      expect((await shop.post('/api/customers', { firstName: 'Second', customerCode: 'REUSE-1' })).status).toBe(201);
    });

    it('answers 412 to a delete with a stale If-Match and keeps the customer', async () => {
      const c = await shop.createCustomer({ firstName: 'Keep' });
      await shop.updateCustomer(c.id, { lastName: 'Me' });
      expect((await shop.delete(`/api/customers/${c.id}`).set('if-match', '"1"')).status).toBe(412);
      expect((await shop.get(`/api/customers/${c.id}`)).status).toBe(200);
      expect((await shop.delete(`/api/customers/${c.id}`).set('if-match', '"2"')).status).toBe(204);
    });
  });

  describe('customer codes', () => {
    it('are unique per retailer, case-insensitively (409 naming the field), and nothing is stored', async () => {
      await shop.createCustomer({ firstName: 'Code', customerCode: 'ACME-7' });
      const before = (await shop.get('/api/customers?q=acme-7')).body.total;
      const res = await shop.post('/api/customers', { firstName: 'Copy', customerCode: 'acme-7' });
      expect(res.status).toBe(409);
      expect(res.body).toMatchObject({ statusCode: 409, error: 'Conflict', details: { code: 'CUSTOMER.CODE_TAKEN', field: 'customerCode' } });
      expect((await shop.get('/api/customers?q=acme-7')).body.total).toBe(before);
      expect((await shop.get('/api/customers?q=copy')).body.total).toBe(0);
    });

    it('may be shared by two retailers', async () => {
      await shop.createCustomer({ firstName: 'Mine', customerCode: 'SHARED-1' });
      expect((await other.post('/api/customers', { firstName: 'Theirs', customerCode: 'SHARED-1' })).status).toBe(201);
    });

    it('an update to a taken code answers 409 and changes nothing; clearing a code frees it', async () => {
      const a = await shop.createCustomer({ firstName: 'Holder', customerCode: 'TAKEN-1' });
      const b = await shop.createCustomer({ firstName: 'Wanter', customerCode: 'FREE-1' });
      const res = await shop.patch(`/api/customers/${b.id}`, { customerCode: 'taken-1', lastName: 'X' });
      expect(res.status).toBe(409);
      expect((await shop.get(`/api/customers/${b.id}`)).body).toMatchObject({ version: 1, customerCode: 'FREE-1' });
      expect(await shop.get(`/api/customers/${b.id}`).then((r) => r.body.lastName)).toBeUndefined();

      await shop.updateCustomer(a.id, { customerCode: null });
      expect((await shop.updateCustomer(b.id, { customerCode: 'TAKEN-1' })).customerCode).toBe('TAKEN-1');
    });

    it('two concurrent creates with one code: one 201, one 409', async () => {
      const results = await Promise.all([1, 2, 3].map((n) => shop.post('/api/customers', { firstName: `Racer ${n}`, customerCode: 'RACE-1' })));
      expect(results.map((r) => r.status).sort()).toEqual([201, 409, 409]);
    });
  });

  describe('tenant isolation', () => {
    it("another retailer's customer answers 404 everywhere and is left untouched", async () => {
      const c = await shop.createCustomer({ firstName: 'Private', lastName: 'Person', customerCode: 'PRIV-1' });
      const base = `/api/customers/${c.id}`;
      const attempts = [
        other.get(base),
        other.patch(base, { firstName: 'Hacked' }),
        other.delete(base),
        other.post(`${base}/on-account-sales`, { amount: 10, reference: 'x' }),
        other.post(`${base}/xero/push`),
        other.get(`${base}/xero`),
      ];
      for (const res of await Promise.all(attempts)) {
        expect(res.status).toBe(404);
        expect(res.body).toMatchObject({ statusCode: 404, error: 'Not Found' });
      }
      const mine = await shop.get(base);
      expect(mine.body).toMatchObject({ version: 1, firstName: 'Private', xeroStatus: 'not_linked' });
      const found = await other.get('/api/customers?q=priv');
      expect(found.body).toMatchObject({ items: [], total: 0 });
    });
  });

  describe('search', () => {
    let searcher: Retailer;
    const ids: Record<string, string> = {};

    beforeAll(async () => {
      searcher = await suite.retailer(svc.url, 'Search Shop');
      const people = {
        zoe: { firstName: 'Zoë', lastName: 'Ålander', email: 'ZOE.A@Example.com', customerCode: 'ZA-01', phone: '+64 (9) 555-0100' },
        zack: { firstName: 'Zack', lastName: 'Morris', email: 'zack@example.org', customerCode: 'ZM-02', mobile: '021 777 888' },
        acme: { companyName: 'Acme Widgets', email: 'sales@acme.test', customerCode: 'AC-03', phone: '09 300 4000' },
        bob: { firstName: 'Bob', lastName: 'Zeller', customerCode: 'B-04' },
      };
      for (const [k, v] of Object.entries(people)) ids[k] = (await searcher.createCustomer(v)).id;
    });

    const find = async (query: string) => {
      const res = await searcher.get(`/api/customers?${query}`);
      expect(res.status).toBe(200);
      return res.body as { items: { id: string }[]; total: number; page: number; pageSize: number };
    };
    const names = async (query: string) => (await find(query)).items.map((i) => Object.entries(ids).find(([, id]) => id === i.id)?.[0]);

    it.each([
      ['first name, case- and accent-insensitive', 'q=ZOE', ['zoe']],
      ['last name prefix with accent typed', 'q=%C3%A5lan', ['zoe']],
      ['full name', 'q=zack%20mo', ['zack']],
      ['company name', 'q=acme%20w', ['acme']],
      ['email prefix', 'q=zoe.a%40ex', ['zoe']],
      ['customer code', 'q=zm-0', ['zack']],
      ['phone digits as typed with formatting', 'q=%2B64%209%20555', ['zoe']],
      ['phone digits only', 'q=6495550', ['zoe']],
      ['mobile digits', 'q=021%20777', ['zack']],
      ['landline with leading zero', 'q=09300', ['acme']],
      ['a prefix shared by several (sorted by name)', 'q=z', ['bob', 'zack', 'zoe']],
    ])('finds by %s', async (_label, query, expected) => {
      expect(await names(query)).toEqual(expected);
    });

    it('matches the start only, not the middle', async () => {
      expect(await names('q=ller')).toEqual([]);
      expect(await names('q=idgets')).toEqual([]);
      expect(await names('q=555')).toEqual([]);
    });

    it('treats regex characters as text', async () => {
      expect(await names('q=.*')).toEqual([]);
      expect(await names('q=%5E(a%2B)%2B%24')).toEqual([]);
    });

    it('lists everyone sorted by name without q', async () => {
      expect(await names('')).toEqual(['acme', 'bob', 'zack', 'zoe']);
    });

    it('filters by Xero status', async () => {
      expect((await searcher.post(`/api/customers/${ids['bob']}/on-account-sales`, { amount: 1, reference: 'r' })).status).toBe(201);
      expect(await names('xeroStatus=pending')).toEqual(['bob']);
      expect(await names('xeroStatus=not_linked')).toEqual(['acme', 'zack', 'zoe']);
      expect(await names('xeroStatus=pending&q=zo')).toEqual([]);
      expect(await names('xeroStatus=pending&q=zel')).toEqual(['bob']);
      expect(await names('xeroStatus=synced')).toEqual([]);
    });

    it('pages stably through customers with the same name', async () => {
      const twins = await suite.retailer(svc.url, 'Twins');
      const created: string[] = [];
      for (let i = 0; i < 7; i++) created.push((await twins.createCustomer({ firstName: 'Sam', lastName: 'Same' })).id);
      const page = async (p: number) => (await twins.get(`/api/customers?q=sam&pageSize=3&page=${p}`)).body;
      const pages = [await page(1), await page(2), await page(3), await page(4)];
      expect(pages.map((p) => p.items.length)).toEqual([3, 3, 1, 0]);
      expect(pages.every((p) => p.total === 7 && p.pageSize === 3)).toBe(true);
      const seen = pages.flatMap((p) => p.items.map((i: { id: string }) => i.id));
      expect(new Set(seen).size).toBe(7);
      expect([...seen].sort()).toEqual([...created].sort());
      // the same order every time, even after one of them changes a field that is not the name
      await twins.updateCustomer(created[3], { note: 'changed' });
      const again = [await page(1), await page(2), await page(3)].flatMap((p) => p.items.map((i: { id: string }) => i.id));
      expect(again).toEqual(seen);
    });
  });

  describe('operations', () => {
    it('serves the OpenAPI document with request bodies, and the docs UI', async () => {
      const doc = await request(svc.url).get('/docs-json');
      expect(doc.status).toBe(200);
      const paths = doc.body.paths;
      for (const [path, methods] of Object.entries({
        '/api/retailers': ['post'],
        '/api/customers': ['get', 'post'],
        '/api/customers/{id}': ['get', 'patch', 'delete'],
        '/api/customers/{id}/on-account-sales': ['post'],
        '/api/customers/{id}/xero/push': ['post'],
        '/api/customers/{id}/xero': ['get'],
        '/api/xero/connection': ['get'],
        '/api/xero/connect': ['get'],
      })) {
        expect(Object.keys(paths[path] ?? {})).toEqual(expect.arrayContaining(methods));
      }
      const schemas = doc.body.components.schemas;
      const bodyRef = paths['/api/customers'].post.requestBody.content['application/json'].schema.$ref as string;
      const body = schemas[bodyRef.split('/').pop() as string];
      expect(Object.keys(body.properties)).toEqual(expect.arrayContaining(['customerCode', 'firstName', 'physicalAddress', 'note']));
      expect(body.properties.firstName.maxLength).toBe(255);
      const sale = paths['/api/customers/{id}/on-account-sales'].post.requestBody.content['application/json'].schema.$ref as string;
      expect(schemas[sale.split('/').pop() as string].required).toEqual(expect.arrayContaining(['amount', 'reference']));

      const ui = await request(svc.url).get('/docs');
      expect(ui.status).toBe(200);
      expect(ui.text).toContain('swagger');
    });

    it('answers health checks without a key', async () => {
      expect((await request(svc.url).get('/health/live')).body).toEqual({ status: 'ok' });
      expect((await request(svc.url).get('/health/ready')).body).toEqual({ status: 'ok', checks: { database: 'up', broker: 'up' } });
    });

    it('exposes Prometheus metrics: requests, outbox backlog and age, events published', async () => {
      const res = await request(svc.url).get('/metrics');
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toMatch(/^text\/plain/);
      for (const name of ['http_requests_total', 'http_request_duration_seconds', 'outbox_backlog_customers', 'outbox_backlog_imports', 'outbox_oldest_age_seconds', 'outbox_events_published_total']) {
        expect(res.text).toContain(`# TYPE ${name} `);
      }
      expect(res.text).toMatch(/http_requests_total\{method="POST",route="\/api\/customers",status="201"\} \d+/);
    });

    it('returns the correlation id it was given, or a new one', async () => {
      const given = await shop.get('/api/customers').set('x-correlation-id', 'till-42.req-7');
      expect(given.headers['x-correlation-id']).toBe('till-42.req-7');
      const fresh = await shop.get('/api/customers');
      expect(fresh.headers['x-correlation-id']).toMatch(/^[0-9a-f-]{36}$/);
    });
  });
});
