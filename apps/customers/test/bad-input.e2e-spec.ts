import request from 'supertest';
import { CustomersInstance, CustomersSuite, Retailer } from './support/customers-harness';

interface Case {
  name: string;
  status: number;
  /** The field the answer must name (in details), if any. */
  field?: string;
  body?: unknown;
  /** A raw body sent as is (with this content type). */
  raw?: { body: string | Buffer; type: string };
  ifMatch?: string;
}

const long = (n: number) => 'x'.repeat(n);

/**
 * Bad input and failure: every client mistake gets a 4xx that names what was wrong, never a 500,
 * and nothing is stored.
 */
describe('bad input', () => {
  const suite = new CustomersSuite();
  let svc: CustomersInstance;
  let shop: Retailer;
  let existing: { id: string; version: number };

  const storedCustomers = async () => (await suite.customersCollection()).countDocuments({ retailerId: shop.id });

  function send(method: 'post' | 'patch', path: string, c: Case) {
    let r = request(svc.url)[method](path).set('authorization', `Bearer ${shop.apiKey}`);
    if (c.ifMatch) r = r.set('if-match', c.ifMatch);
    if (c.raw) return r.set('content-type', c.raw.type).send(c.raw.body);
    return c.body === undefined ? r : r.send(c.body as object);
  }

  function expectRefusal(res: request.Response, c: Case) {
    expect({ name: c.name, status: res.status }).toEqual({ name: c.name, status: c.status });
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.body).toMatchObject({ statusCode: c.status, error: expect.any(String), message: expect.any(String) });
    if (c.field) {
      const named = JSON.stringify(res.body.details ?? {}) + res.body.message;
      expect(named).toContain(c.field);
    }
  }

  beforeAll(async () => {
    svc = await suite.start();
    shop = await suite.retailer(svc.url, 'Careless Shop');
    existing = await shop.createCustomer({ firstName: 'Existing', lastName: 'Customer', customerCode: 'EX-1', physicalAddress: { line1: '1 Main St' } });
  });
  afterAll(() => suite.close());

  const createCases: Case[] = [
    { name: 'malformed JSON', status: 400, raw: { body: '{"firstName": "Ann", ', type: 'application/json' } },
    { name: 'JSON that is a string', status: 400, raw: { body: '"Ann"', type: 'application/json' } },
    { name: 'JSON null', status: 400, raw: { body: 'null', type: 'application/json' } },
    { name: 'a JSON array', status: 400, field: 'body', raw: { body: '[{"firstName":"Ann"}]', type: 'application/json' } },
    { name: 'an empty JSON array', status: 400, field: 'body', raw: { body: '[]', type: 'application/json' } },
    { name: 'a form instead of JSON', status: 415, raw: { body: 'firstName=Ann', type: 'application/x-www-form-urlencoded' } },
    { name: 'plain text', status: 415, raw: { body: 'Ann', type: 'text/plain' } },
    { name: 'an unknown field', status: 400, field: 'favouriteColour', body: { firstName: 'Ann', favouriteColour: 'red' } },
    { name: 'an unknown field in an address', status: 400, field: 'physicalAddress.street', body: { firstName: 'Ann', physicalAddress: { street: 'x' } } },
    { name: 'a $-prefixed key', status: 400, field: '$set', body: { firstName: 'Ann', $set: { retailerId: 'other' } } },
    { name: 'a $-prefixed key inside an address', status: 400, field: 'postalAddress.$where', body: { firstName: 'Ann', postalAddress: { $where: 'sleep(1000)' } } },
    { name: 'an operator as a value', status: 400, field: 'firstName', body: { firstName: { $ne: null } } },
    { name: 'a __proto__ key', status: 400, field: '__proto__', raw: { body: '{"firstName":"Ann","__proto__":{"admin":true}}', type: 'application/json' } },
    { name: 'a constructor key', status: 400, field: 'constructor', body: { firstName: 'Ann', constructor: { prototype: {} } } },
    { name: 'an over-long first name (256)', status: 400, field: 'firstName', body: { firstName: long(256) } },
    { name: 'an over-long company name (256)', status: 400, field: 'companyName', body: { companyName: long(256) } },
    { name: 'an over-long customer code (51)', status: 400, field: 'customerCode', body: { firstName: 'Ann', customerCode: long(51) } },
    { name: 'an over-long email', status: 400, field: 'email', body: { firstName: 'Ann', email: `${long(250)}@x.com` } },
    { name: 'an over-long phone (51)', status: 400, field: 'phone', body: { firstName: 'Ann', phone: '1'.repeat(51) } },
    { name: 'an over-long tax number (51)', status: 400, field: 'taxNumber', body: { firstName: 'Ann', taxNumber: long(51) } },
    { name: 'an over-long note (4001)', status: 400, field: 'note', body: { firstName: 'Ann', note: long(4001) } },
    { name: 'an over-long postcode (51)', status: 400, field: 'physicalAddress.postcode', body: { firstName: 'Ann', physicalAddress: { postcode: long(51) } } },
    { name: 'an over-long address line (501)', status: 400, field: 'postalAddress.line1', body: { firstName: 'Ann', postalAddress: { line1: long(501) } } },
    { name: '"firstName lastName" longer than Xero\'s Name', status: 400, field: 'firstName', body: { firstName: long(200), lastName: long(100) } },
    { name: 'a number for a name', status: 400, field: 'firstName', body: { firstName: 42 } },
    { name: 'a boolean for a phone', status: 400, field: 'phone', body: { firstName: 'Ann', phone: true } },
    { name: 'an array for a name', status: 400, field: 'lastName', body: { lastName: ['Ann'] } },
    { name: 'a string for an address', status: 400, field: 'physicalAddress', body: { firstName: 'Ann', physicalAddress: '1 Main St' } },
    { name: 'an array for an address', status: 400, field: 'physicalAddress', body: { firstName: 'Ann', physicalAddress: [{ line1: '1 Main St' }] } },
    { name: 'a number in an address', status: 400, field: 'physicalAddress.postcode', body: { firstName: 'Ann', physicalAddress: { postcode: 1010 } } },
    { name: 'an invalid email', status: 400, field: 'email', body: { firstName: 'Ann', email: 'not-an-email' } },
    { name: 'a control character', status: 400, field: 'lastName', body: { firstName: 'Ann', lastName: 'Nul\u0000l' } },
    { name: 'a lone surrogate in the email', status: 400, field: 'email', body: { firstName: 'Ann', email: '\ud83d' } },
    { name: 'a lone surrogate inside an email', status: 400, field: 'email', body: { firstName: 'Ann', email: 'a\ud83d@example.com' } },
    { name: 'a lone surrogate in a name', status: 400, field: 'lastName', body: { firstName: 'Ann', lastName: 'X\ud83d' } },
    { name: 'a lone low surrogate in an address', status: 400, field: 'physicalAddress.city', body: { firstName: 'Ann', physicalAddress: { city: '\ude00' } } },
    { name: 'no name at all', status: 400, field: 'companyName', body: { email: 'nameless@example.com' } },
    { name: 'only blank names', status: 400, field: 'firstName', body: { firstName: '  ', lastName: '', companyName: ' ' } },
    { name: 'an empty object', status: 400, field: 'companyName', body: {} },
    { name: 'a body over 1 MB', status: 413, body: { firstName: 'Ann', note: long(1_100_000) } },
    { name: 'a duplicate customer code', status: 409, field: 'customerCode', body: { firstName: 'Ann', customerCode: 'ex-1' } },
  ];

  it.each(createCases.map((c) => [c.name, c] as const))('POST /api/customers with %s', async (_name, c) => {
    const before = await storedCustomers();
    expectRefusal(await send('post', '/api/customers', c), c);
    expect(await storedCustomers()).toBe(before);
  });

  const patchCases: Case[] = [
    { name: 'malformed JSON', status: 400, raw: { body: '{"firstName": ', type: 'application/json' } },
    { name: 'a JSON array', status: 400, field: 'body', raw: { body: '[]', type: 'application/json' } },
    { name: 'plain text', status: 415, raw: { body: 'Ann', type: 'text/plain' } },
    { name: 'an unknown field', status: 400, field: 'retailerId', body: { retailerId: 'someone-else' } },
    { name: 'a read-only field', status: 400, field: 'version', body: { version: 99 } },
    { name: 'a $-prefixed key', status: 400, field: '$inc', body: { $inc: { version: 1 } } },
    { name: 'a $-prefixed key inside an address', status: 400, field: 'physicalAddress.$gt', body: { physicalAddress: { $gt: '' } } },
    { name: 'a dotted key', status: 400, field: 'physicalAddress.line1', body: { 'physicalAddress.line1': 'x' } },
    { name: 'an over-long value', status: 400, field: 'lastName', body: { lastName: long(256) } },
    { name: 'an over-long address part', status: 400, field: 'physicalAddress.city', body: { physicalAddress: { city: long(256) } } },
    { name: 'a wrong type', status: 400, field: 'email', body: { email: 12 } },
    { name: 'a lone surrogate in the email', status: 400, field: 'email', body: { email: '\ud83d' } },
    { name: 'a lone surrogate in a name', status: 400, field: 'firstName', body: { firstName: '\udbff' } },
    { name: 'clearing every name', status: 400, field: 'firstName', body: { firstName: null, lastName: null } },
    { name: 'a taken customer code', status: 409, field: 'customerCode', body: { customerCode: 'TAKEN-9' } },
    { name: 'a stale If-Match', status: 412, body: { lastName: 'Changed' }, ifMatch: '"0"' },
    { name: 'a malformed If-Match', status: 400, field: 'If-Match', body: { lastName: 'Changed' }, ifMatch: 'abc' },
    { name: 'a body over 1 MB', status: 413, body: { note: long(1_100_000) } },
  ];

  it.each(patchCases.map((c) => [c.name, c] as const))('PATCH /api/customers/:id with %s', async (_name, c) => {
    await shop.createCustomer({ firstName: 'Holder', customerCode: 'TAKEN-9' }).catch(() => undefined);
    const before = (await shop.get(`/api/customers/${existing.id}`)).body;
    expectRefusal(await send('patch', `/api/customers/${existing.id}`, c), c);
    const after = (await shop.get(`/api/customers/${existing.id}`)).body;
    expect(after).toEqual(before);
  });

  const saleCases: Case[] = [
    { name: 'no amount', status: 400, field: 'amount', body: { reference: 'r' } },
    { name: 'a zero amount', status: 400, field: 'amount', body: { amount: 0, reference: 'r' } },
    { name: 'a negative amount', status: 400, field: 'amount', body: { amount: -5, reference: 'r' } },
    { name: 'an amount as a string', status: 400, field: 'amount', body: { amount: '10', reference: 'r' } },
    { name: 'too many decimals', status: 400, field: 'amount', body: { amount: 1.00001, reference: 'r' } },
    { name: 'an amount written with an exponent (1e-7)', status: 400, field: 'amount', raw: { body: '{"amount":1e-7,"reference":"r"}', type: 'application/json' } },
    { name: 'an absurd amount', status: 400, field: 'amount', body: { amount: 1e15, reference: 'r' } },
    { name: 'no reference', status: 400, field: 'reference', body: { amount: 10 } },
    { name: 'an over-long reference', status: 400, field: 'reference', body: { amount: 10, reference: long(256) } },
    { name: 'an unknown field', status: 400, field: 'customerId', body: { amount: 10, reference: 'r', customerId: 'x' } },
  ];

  it.each(saleCases.map((c) => [c.name, c] as const))('POST on-account-sales with %s', async (_name, c) => {
    expectRefusal(await send('post', `/api/customers/${existing.id}/on-account-sales`, c), c);
    expect((await shop.xero(existing.id)).status).toBe('not_linked');
    const doc = await (await suite.customersCollection()).findOne({ _id: existing.id });
    expect(doc?.['sales']).toEqual([]);
  });

  it('refuses a malformed sale for an unknown customer with 400, not 500', async () => {
    const c: Case = { name: '1e-7 for an unknown id', status: 400, field: 'amount', raw: { body: '{"amount":1e-7,"reference":"r"}', type: 'application/json' } };
    expectRefusal(await send('post', '/api/customers/00000000-0000-4000-8000-000000000000/on-account-sales', c), c);
  });

  it('reads a JSON body sent as application/*+json rather than ignoring it', async () => {
    const created = await shop.createCustomer({ firstName: 'Vendor', lastName: 'Type' });
    const res = await request(svc.url)
      .patch(`/api/customers/${created.id}`)
      .set('authorization', `Bearer ${shop.apiKey}`)
      .set('content-type', 'application/vnd.api+json')
      .send(JSON.stringify({ lastName: 'Typed' }));
    expect(res.status).toBe(200);
    expect((await shop.get(`/api/customers/${created.id}`)).body.lastName).toBe('Typed');
  });

  it('answers a non-ASCII admin token of the right byte length with 401', async () => {
    // 'é' is two bytes in UTF-8: half as many characters as the admin token has bytes.
    const token = 'é'.repeat(Buffer.byteLength(suite.adminToken) / 2) + (Buffer.byteLength(suite.adminToken) % 2 ? 'x' : '');
    expect(Buffer.byteLength(token)).toBe(Buffer.byteLength(suite.adminToken));
    const res = await request(svc.url).post('/api/retailers').set('authorization', `Bearer ${token}`).send({ name: 'Intruder' });
    expectRefusal(res, { name: 'non-ASCII admin token', status: 401 });
  });

  it.each([
    ['a NUL byte in q', 'q=%00', 'q'],
    ['an unknown parameter', 'sort=name', 'sort'],
    ['a NoSQL operator in a parameter', 'q[$ne]=x', 'q'],
    ['q given twice', 'q=a&q=b', 'q'],
    ['an over-long q', `q=${long(256)}`, 'q'],
    ['an unknown Xero status', 'xeroStatus=blue', 'xeroStatus'],
    ['page 0', 'page=0', 'page'],
    ['a page that is not a number', 'page=two', 'page'],
    ['a fractional page', 'page=1.5', 'page'],
    ['a page size over 200', 'pageSize=1000', 'pageSize'],
    ['a negative page size', 'pageSize=-1', 'pageSize'],
  ])('GET /api/customers with %s answers 400', async (_name, query, field) => {
    const res = await shop.get(`/api/customers?${query}`);
    expectRefusal(res, { name: query, status: 400, field });
  });

  it.each([
    ['no name', {}],
    ['a name that is a number', { name: 7 }],
    ['an unknown field', { name: 'Shop', apiKey: 'mine' }],
  ])('POST /api/retailers with %s answers 400 and creates nothing', async (_name, body) => {
    const before = await (await suite.db()).collection('retailers').countDocuments();
    const res = await request(svc.url).post('/api/retailers').set('authorization', `Bearer ${suite.adminToken}`).send(body);
    expectRefusal(res, { name: String(_name), status: 400 });
    expect(await (await suite.db()).collection('retailers').countDocuments()).toBe(before);
  });

  it('answers 404 (not 500) for unknown routes and methods, 400 for a broken URL', async () => {
    for (const [method, path, status] of [
      ['get', '/api/nothing-here', 404],
      ['put', `/api/customers/${existing.id}`, 404],
      ['post', `/api/customers/${existing.id}`, 404],
      ['get', '/api/customers/%E0%A4%A', 400],
    ] as const) {
      const res = await request(svc.url)[method](path).set('authorization', `Bearer ${shop.apiKey}`);
      expect([method, path, res.status]).toEqual([method, path, status]);
    }
  });

  it('never answered 500 to any of it', async () => {
    const text = (await request(svc.url).get('/metrics')).text;
    expect(text).not.toMatch(/http_requests_total\{[^}]*status="5\d\d"\}/);
  });
});
