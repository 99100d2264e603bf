import { eventually } from '@pos/testing';
import {
  CustomerSyncSucceeded,
  ImportedContactDto,
  XeroConnectionChanged,
  XeroContactsPage,
  XeroImportFinished,
} from '@pos/sync-contracts';
import { randomUUID } from 'node:crypto';
import { importedCustomerId } from '../src/imports/imports.service';
import { MetricsService } from '../src/metrics/metrics.service';
import { EventPublisher, EventTap } from './support/broker';
import { CustomerBody, CustomersInstance, CustomersSuite, Retailer } from './support/customers-harness';

type Contact = ImportedContactDto;

/** A Xero contact as xero-sync puts it in a page: an active customer unless told otherwise. */
function contact(name: string, over: Partial<Contact> = {}, email?: string): Contact {
  return {
    xeroContactId: randomUUID(),
    contactStatus: 'ACTIVE',
    isCustomer: true,
    isSupplier: false,
    name,
    ...(email ? { emailAddress: email } : {}),
    fields: { companyName: name, ...(email ? { email } : {}) },
    ...over,
  };
}

interface ImportBody {
  id: string;
  status: string;
  dryRun: boolean;
  matchBy: string[];
  pages: { done: number; total: number | null; ignored: number[] };
  contacts: {
    seen: number;
    created: number;
    linked: number;
    skipped: { supplierOnly: number; archived: number; alreadyLinked: number };
    ambiguous: number;
    refused: number;
  };
  summary: string;
  problems?: { kind: string; reason: string; message: string; page: number; contact: Contact; customers: { id: string }[]; otherContacts?: { xeroContactId: string }[] }[];
}

/**
 * Import from Xero, customers side: the service is started as main.ts starts it; this suite plays
 * xero-sync's part by publishing real `xero.contacts-page.v1` / `xero.import-finished.v1` events to
 * the broker, and looks at what the service answers, stores and publishes.
 */
describe('Import from Xero (customers side)', () => {
  const suite = new CustomersSuite();
  let svc: CustomersInstance;
  let pub: EventPublisher;
  let tap: EventTap;
  let shop: Retailer;
  let other: Retailer;
  let clock = Date.now();
  const tick = () => new Date((clock += 1000));

  // The POS customers before the import, one per situation.
  const pos: Record<string, CustomerBody> = {};
  // The organisation's contacts, two pages.
  const k: Record<string, Contact> = {};
  let page1: Contact[];
  let page2: Contact[];
  let realImportId = '';

  const EXPECTED = {
    seen: 15,
    created: 3,
    linked: 4,
    skipped: { supplierOnly: 1, archived: 1, alreadyLinked: 1 },
    ambiguous: 4,
    refused: 1,
  };

  /** How many events of a kind the service has consumed (applied or not): the signal that a message was handled. */
  async function consumed(routingKey: string): Promise<number> {
    const m = await svc.app.get(MetricsService).eventsConsumed.get();
    return m.values.filter((v) => v.labels['routing_key'] === routingKey).reduce((n, v) => n + v.value, 0);
  }

  async function publishPage(importId: string, page: number, pageCount: number, contacts: Contact[], retailer = shop) {
    const before = await consumed(XeroContactsPage.routingKey);
    await pub.publish(XeroContactsPage, retailer.id, { importId, page, pageCount, contacts });
    return before;
  }

  /** Publishes a page and waits until the service has handled it (whatever it did with it). */
  async function deliverPage(importId: string, page: number, pageCount: number, contacts: Contact[], retailer = shop) {
    const before = await publishPage(importId, page, pageCount, contacts, retailer);
    await eventually(async () => (await consumed(XeroContactsPage.routingKey)) > before, { what: `page ${page} handled`, timeoutMs: 30_000, intervalMs: 50 });
  }

  /** Waits until the service published `routingKey` for import `importId`, and returns the message. */
  const published = (routingKey: string, importId: string) =>
    eventually(() => tap.messages.find((m) => m.routingKey === routingKey && m.body['importId'] === importId), {
      what: `${routingKey} for ${importId}`,
      timeoutMs: 15_000,
      intervalMs: 50,
    });

  async function getImport(id: string, retailer = shop): Promise<ImportBody> {
    const res = await retailer.get(`/api/imports/${id}`);
    if (res.status !== 200) throw new Error(`GET import answered ${res.status}: ${JSON.stringify(res.body)}`);
    return res.body;
  }

  const importWhen = (id: string, accept: (i: ImportBody) => boolean, what: string) =>
    eventually(
      async () => {
        const i = await getImport(id);
        return accept(i) ? i : undefined;
      },
      { what, timeoutMs: 30_000, intervalMs: 100 },
    );

  async function start(body: Record<string, unknown> = {}): Promise<ImportBody> {
    const res = await shop.post('/api/imports/xero', body);
    if (res.status !== 202) throw new Error(`POST import answered ${res.status}: ${JSON.stringify(res.body)}`);
    return res.body;
  }

  async function runWholeImport(body: Record<string, unknown>): Promise<ImportBody> {
    const job = await start(body);
    await published('xero.import-requested.v1', job.id);
    await deliverPage(job.id, 1, 2, page1);
    await deliverPage(job.id, 2, 2, page2);
    await pub.publish(XeroImportFinished, shop.id, { importId: job.id, status: 'completed', pages: 2 });
    return importWhen(job.id, (i) => i.status === 'completed', 'the import to complete');
  }

  /** Every customer document of the shop, as stored (to prove a dry run changed nothing). */
  async function storedCustomers() {
    const docs = await (await suite.customersCollection()).find({ retailerId: shop.id }).sort({ _id: 1 }).toArray();
    return docs.map((d) => ({ _id: d._id, version: d['version'], fields: d['fields'], xero: d['xero'], deletedAt: d['deletedAt'] }));
  }

  beforeAll(async () => {
    pub = await EventPublisher.open(suite.infra.amqpUrl);
    tap = await EventTap.open(suite.infra.amqpUrl, ['xero.import-requested.v1', 'xero.import-cancelled.v1', 'customer.changed.v1']);
    svc = await suite.start();
    shop = await suite.retailer(svc.url, 'Import Shop');
    other = await suite.retailer(svc.url, 'Other Shop');

    pos['byNumber'] = await shop.createCustomer({ companyName: 'Numbered Ltd' });
    pos['byCode'] = await shop.createCustomer({ companyName: 'Coded Ltd', customerCode: 'ACC-2' });
    pos['byNameEmail'] = await shop.createCustomer({ firstName: 'Zoë', lastName: 'Ångström', email: 'Zoe@Example.com' });
    pos['byEmail'] = await shop.createCustomer({ companyName: 'Email Only Ltd', email: 'billing@email.test' });
    pos['twinA'] = await shop.createCustomer({ companyName: 'Twin A', email: 'twins@example.com' });
    pos['twinB'] = await shop.createCustomer({ companyName: 'Twin B', email: 'twins@example.com' });
    pos['shared'] = await shop.createCustomer({ companyName: 'Shared Customer', email: 'shared@example.com' });
    pos['linkedElsewhere'] = await shop.createCustomer({ companyName: 'Already Linked Ltd', email: 'linked@example.com' });

    k['number'] = contact('Renamed In Xero', { contactNumber: pos['byNumber'].id });
    k['code'] = contact('Coded Limited', { accountNumber: 'acc-2', fields: { companyName: 'Coded Limited', customerCode: 'acc-2' } });
    k['nameEmail'] = contact('Zoe Angstrom', { fields: { firstName: 'Zoe', lastName: 'Angstrom', email: 'ZOE@example.com' } }, 'ZOE@example.com');
    k['email'] = contact('Another Name', {}, 'billing@email.test');
    k['twins'] = contact('Twin Contact', {}, 'twins@example.com');
    k['sharedA'] = contact('Shared One', {}, 'shared@example.com');
    k['newCustomer'] = contact('Brand New Customer', {}, 'new@example.com');
    k['supplier'] = contact('Supplier Only', { isCustomer: false, isSupplier: true });
    k['sharedB'] = contact('Shared Two', {}, 'shared@example.com');
    k['elsewhere'] = contact('Linked Lookalike', {}, 'linked@example.com');
    k['general'] = contact('General Contact', { isCustomer: false, isSupplier: false });
    k['both'] = contact('Customer And Supplier', { isCustomer: true, isSupplier: true });
    k['archived'] = contact('Archived Customer', { contactStatus: 'ARCHIVED' }, 'archived@example.com');
    k['refused'] = contact('', { name: undefined, fields: { email: 'nameless@example.com' } }, 'nameless@example.com');
    k['linked'] = contact('Already Linked Ltd', {}, 'linked@example.com');
    page1 = [k['number'], k['code'], k['nameEmail'], k['email'], k['twins'], k['sharedA'], k['newCustomer'], k['supplier']];
    page2 = [k['sharedB'], k['elsewhere'], k['general'], k['both'], k['archived'], k['refused'], k['linked']];

    // linkedElsewhere is linked to contact k.linked already (an on-account sale pushed it earlier)
    const c = pos['linkedElsewhere'];
    expect((await shop.post(`/api/customers/${c.id}/on-account-sales`, { amount: 5, reference: 'S-1' })).status).toBe(201);
    await pub.publish(
      CustomerSyncSucceeded,
      shop.id,
      { customerId: c.id, customerVersion: 1, xeroContactId: k['linked'].xeroContactId, pushedFields: ['companyName', 'email'] },
      { occurredAt: tick() },
    );
    await shop.xeroWhen(c.id, (x) => x.status === 'synced', 'the customer linked elsewhere to be synced');
  });

  afterAll(async () => {
    await pub?.close();
    await tap?.close();
    await suite.close();
  });

  it('refuses to start while the retailer is not connected to Xero (409 not connected)', async () => {
    const res = await shop.post('/api/imports/xero', {});
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ statusCode: 409, message: expect.stringMatching(/^not connected/), details: { code: 'XERO.NOT_CONNECTED' } });

    await pub.publish(XeroConnectionChanged, shop.id, { status: 'connected', tenantId: 't-1', organisationName: 'Import Shop Ltd', shortCode: '!Imp' }, { occurredAt: tick() });
    await eventually(async () => (await shop.get('/api/xero/connection')).body.status === 'connected', { what: 'the shop to be connected', timeoutMs: 10_000, intervalMs: 50 });
  });

  it.each([
    [{ dryRun: 'yes' }, 'dryRun'],
    [{ matchBy: ['email', 'phone'] }, 'matchBy'],
    [{ matchBy: [] }, 'matchBy'],
    [{ matchBy: ['email', 'email'] }, 'matchBy'],
    [{ matchBy: 'email' }, 'matchBy'],
    [{ force: true }, 'force'],
  ])('bad input %j answers 400 naming %s', async (body, field) => {
    const res = await shop.post('/api/imports/xero', body);
    expect(res.status).toBe(400);
    expect(res.body.details.map((d: { field: string }) => d.field)).toContain(field);
  });

  it('a dry run reports what the import would do, with the problems shown from both sides, and changes nothing', async () => {
    const before = await storedCustomers();
    const job = await start({ dryRun: true });
    expect(job).toMatchObject({ status: 'queued', dryRun: true, matchBy: ['contactNumber', 'accountNumber', 'nameAndEmail', 'email'], pages: { done: 0, total: null } });

    const msg = await published('xero.import-requested.v1', job.id);
    expect(msg).toMatchObject({ routingKey: 'xero.import-requested.v1', persistent: true });
    expect(msg?.body).toMatchObject({ type: 'xero.import-requested', dryRun: true, matchBy: ['contactNumber', 'accountNumber', 'nameAndEmail', 'email'] });

    await deliverPage(job.id, 1, 2, page1);
    expect(await getImport(job.id)).toMatchObject({ status: 'running', pages: { done: 1, total: 2 } });
    await deliverPage(job.id, 2, 2, page2);
    await pub.publish(XeroImportFinished, shop.id, { importId: job.id, status: 'completed', pages: 2 });
    const done = await importWhen(job.id, (i) => i.status === 'completed', 'the dry run to complete');
    expect(done.contacts).toEqual(EXPECTED);
    expect(done.summary).toMatch(/dry run: nothing was changed/);

    const problems = Object.fromEntries((done.problems ?? []).map((p) => [p.contact.xeroContactId, p]));
    expect(Object.keys(problems).sort()).toEqual(
      [k['twins'], k['sharedA'], k['sharedB'], k['elsewhere'], k['refused']].map((c) => c.xeroContactId).sort(),
    );
    expect(problems[k['twins'].xeroContactId]).toMatchObject({
      kind: 'ambiguous',
      reason: 'several_customers',
      contact: { name: 'Twin Contact', emailAddress: 'twins@example.com' },
    });
    expect(problems[k['twins'].xeroContactId].customers.map((c) => c.id).sort()).toEqual([pos['twinA'].id, pos['twinB'].id].sort());
    // two contacts, on two pages, matching one customer: both reported, each naming the other
    expect(problems[k['sharedA'].xeroContactId]).toMatchObject({ reason: 'contacts_share_customer', page: 1, customers: [{ id: pos['shared'].id }], otherContacts: [{ xeroContactId: k['sharedB'].xeroContactId }] });
    expect(problems[k['sharedB'].xeroContactId]).toMatchObject({ reason: 'contacts_share_customer', page: 2, customers: [{ id: pos['shared'].id }], otherContacts: [{ xeroContactId: k['sharedA'].xeroContactId }] });
    expect(problems[k['elsewhere'].xeroContactId]).toMatchObject({
      reason: 'customer_linked_elsewhere',
      customers: [{ id: pos['linkedElsewhere'].id, xeroContactId: k['linked'].xeroContactId }],
    });
    expect(problems[k['refused'].xeroContactId]).toMatchObject({ kind: 'refused', reason: 'CUSTOMER.NAME_REQUIRED' });

    expect(await storedCustomers()).toEqual(before);
  });

  it('imports the mixed organisation to exactly the expected customers and links, publishing nothing to push', async () => {
    const before = await storedCustomers();
    const job = await start({});
    realImportId = job.id;

    // one import per retailer at a time
    const second = await shop.post('/api/imports/xero', { dryRun: true });
    expect(second.status).toBe(409);
    expect(second.body.details).toMatchObject({ code: 'IMPORT.ALREADY_RUNNING', importId: job.id });

    await published('xero.import-requested.v1', job.id);
    await deliverPage(job.id, 1, 2, page1);
    // after page 1 the shared customer is linked to the first contact that matched it ...
    expect((await shop.xero(pos['shared'].id)).contactId).toBe(k['sharedA'].xeroContactId);
    await deliverPage(job.id, 2, 2, page2);
    await pub.publish(XeroImportFinished, shop.id, { importId: job.id, status: 'completed', pages: 2 });
    const done = await importWhen(job.id, (i) => i.status === 'completed', 'the import to complete');
    expect(done.contacts).toEqual(EXPECTED);
    expect(done.pages).toEqual({ done: 2, total: 2, ignored: [] });

    // linked, one per rule, synced with nothing pending
    for (const [customer, c] of [
      ['byNumber', 'number'],
      ['byCode', 'code'],
      ['byNameEmail', 'nameEmail'],
      ['byEmail', 'email'],
    ]) {
      const x = await shop.xero(pos[customer].id);
      expect(x).toMatchObject({ status: 'synced', contactId: k[c].xeroContactId, pendingFields: [] });
    }
    // ... and page 2's second match undid it: left alone, like the twins
    for (const c of ['shared', 'twinA', 'twinB']) expect(await shop.xero(pos[c].id)).toMatchObject({ status: 'not_linked', contactId: null });
    expect((await shop.xero(pos['linkedElsewhere'].id)).contactId).toBe(k['linked'].xeroContactId);

    // created: a customer per customer, general and customer-and-supplier contact, linked and synced
    const col = await suite.customersCollection();
    for (const c of ['newCustomer', 'general', 'both']) {
      const id = importedCustomerId(shop.id, k[c].xeroContactId);
      const created = (await shop.get(`/api/customers/${id}`)).body as CustomerBody;
      expect(created).toMatchObject({ id, companyName: k[c].name, xeroStatus: 'synced', xeroContactId: k[c].xeroContactId });
      expect((await col.findOne({ _id: id }))?.['xero']).toMatchObject({ linkedBy: { reason: 'created', source: `import:${job.id}` } });
    }
    expect((await col.findOne({ _id: pos['byCode'].id }))?.['xero']).toMatchObject({ linkedBy: { reason: 'linked', source: `import:${job.id}`, rule: 'accountNumber' } });
    const after = await storedCustomers();
    expect(after.length).toBe(before.length + 3);

    // nothing to push: no customer.changed for anything the import linked or created
    const touched = new Set([...['byNumber', 'byCode', 'byNameEmail', 'byEmail', 'shared'].map((c) => pos[c].id), ...['newCustomer', 'general', 'both'].map((c) => importedCustomerId(shop.id, k[c].xeroContactId))]);
    const versionOne = tap.of(shop.id).filter((m) => touched.has(m.body['customerId'] as string) && m.body['reason'] !== 'created');
    expect(versionOne).toEqual([]);

    // later edits push as usual, to the linked contact
    await shop.updateCustomer(pos['byCode'].id, { email: 'coded@example.com' });
    const events = await tap.waitFor(shop.id, (ms) => ms.some((m) => m.body['customerId'] === pos['byCode'].id && m.body['reason'] === 'updated'), 'the edit event');
    expect(events.find((m) => m.body['customerId'] === pos['byCode'].id && m.body['reason'] === 'updated')?.body).toMatchObject({
      changedFields: ['email'],
      xeroContactId: k['code'].xeroContactId,
    });
    expect((await shop.xero(pos['byCode'].id)).status).toBe('pending');
  });

  it('a page delivered twice changes nothing', async () => {
    const before = await storedCustomers();
    const report = await getImport(realImportId);
    await deliverPage(realImportId, 1, 2, page1);
    await deliverPage(realImportId, 2, 2, page2);
    expect(await storedCustomers()).toEqual(before);
    expect((await getImport(realImportId)).contacts).toEqual(report.contacts);
  });

  it('a page replayed after a crash part-way (customers written, page not yet marked) creates and counts nothing twice', async () => {
    // Stage the crash: the job as it was before page 2 was marked applied, its customer writes done.
    const db = await suite.db();
    const jobs = db.collection<{ _id: string } & Record<string, unknown>>('imports');
    const stored = await jobs.findOne({ _id: realImportId });
    const before = await storedCustomers();
    const page2Counts = { seen: 7, created: 2, linked: -1, skippedSupplierOnly: 0, skippedArchived: 1, skippedAlreadyLinked: 1, ambiguous: 3, refused: 1 };
    const counts = stored?.['counts'] as Record<string, number>;
    const rolledBack = Object.fromEntries(Object.entries(counts).map(([key, n]) => [key, n - (page2Counts as Record<string, number>)[key]]));
    await jobs.updateOne({ _id: realImportId }, { $set: { pagesDone: 1, counts: rolledBack, status: 'running', finished: null } });

    await deliverPage(realImportId, 2, 2, page2);
    await pub.publish(XeroImportFinished, shop.id, { importId: realImportId, status: 'completed', pages: 2 });
    const done = await importWhen(realImportId, (i) => i.status === 'completed', 'the replayed import to complete');
    expect(done.contacts).toEqual(EXPECTED);
    const after = await storedCustomers();
    expect(after.map((c) => c._id)).toEqual(before.map((c) => c._id));
    expect(after.find((c) => c._id === pos['shared'].id)?.xero).toMatchObject({ status: 'not_linked' });
  });

  it('a re-run of the finished import creates nothing and links nothing twice', async () => {
    const before = await storedCustomers();
    const rerun = await runWholeImport({});
    expect(rerun.contacts).toEqual({
      seen: 15,
      created: 0,
      linked: 0,
      skipped: { supplierOnly: 1, archived: 1, alreadyLinked: 8 },
      ambiguous: 4,
      refused: 1,
    });
    expect(await storedCustomers()).toEqual(before);
  });

  it('cancel stops it: later pages are ignored and counted, what it applied stays, and xero-sync is told', async () => {
    const first = [contact('Before Cancel', {}, 'before@example.com')];
    const later = [contact('After Cancel', {}, 'after@example.com')];
    const job = await start({});
    await published('xero.import-requested.v1', job.id);
    await deliverPage(job.id, 1, 2, first);

    const res = await shop.delete(`/api/imports/${job.id}`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: job.id, status: 'cancelled', pages: { done: 1 } });
    expect((await published('xero.import-cancelled.v1', job.id)).body).toMatchObject({ retailerId: shop.id, type: 'xero.import-cancelled' });

    await deliverPage(job.id, 2, 2, later);
    await pub.publish(XeroImportFinished, shop.id, { importId: job.id, status: 'completed', pages: 2 });
    const cancelled = await importWhen(job.id, (i) => i.pages.ignored.length === 1, 'the late page to be counted as ignored');
    expect(cancelled).toMatchObject({ status: 'cancelled', pages: { done: 1, total: 2, ignored: [2] }, contacts: { seen: 1, created: 1 } });
    expect(cancelled.summary).toMatch(/cancelled after 1 of 2 pages: what those pages applied stays; 1 page\(s\) arriving later were ignored/);
    expect((await shop.get(`/api/customers/${importedCustomerId(shop.id, first[0].xeroContactId)}`)).status).toBe(200);
    expect((await shop.get(`/api/customers/${importedCustomerId(shop.id, later[0].xeroContactId)}`)).status).toBe(404);

    // a cancelled import frees the retailer for the next one; a finished one cannot be cancelled
    const next = await start({ dryRun: true });
    expect((await shop.delete(`/api/imports/${next.id}`)).status).toBe(200);
    expect((await shop.delete(`/api/imports/${realImportId}`)).status).toBe(409);
  });

  it('pages apply in order even when they arrive out of order, and the end may arrive before the last page', async () => {
    const dupA = contact('Duplicate Code A', { accountNumber: 'DUP-1', fields: { companyName: 'Duplicate Code A', customerCode: 'DUP-1' } });
    const dupB = contact('Duplicate Code B', { accountNumber: 'dup-1', fields: { companyName: 'Duplicate Code B', customerCode: 'dup-1' } });
    const job = await start({ matchBy: ['email'] });
    await published('xero.import-requested.v1', job.id);
    await pub.publish(XeroImportFinished, shop.id, { importId: job.id, status: 'completed', pages: 2 });
    await deliverPage(job.id, 2, 2, [dupB]); // handled: put back to wait for page 1
    expect(await getImport(job.id)).toMatchObject({ status: 'queued', pages: { done: 0 }, contacts: { seen: 0 } });
    await pub.publish(XeroContactsPage, shop.id, { importId: job.id, page: 1, pageCount: 2, contacts: [dupA] });
    const done = await importWhen(job.id, (i) => i.status === 'completed', 'both pages, in order');
    // page 1 first: A takes the code; B (page 2), with the same code in another case, is refused by the POS
    expect(done).toMatchObject({ matchBy: ['email'], pages: { done: 2, total: 2 }, contacts: { seen: 2, created: 1, refused: 1 } });
    expect(done.problems).toEqual([
      expect.objectContaining({ kind: 'refused', reason: 'CUSTOMER.CODE_TAKEN', page: 2, contact: expect.objectContaining({ xeroContactId: dupB.xeroContactId }) }),
    ]);
    expect((await shop.get(`/api/customers/${importedCustomerId(shop.id, dupA.xeroContactId)}`)).body).toMatchObject({ customerCode: 'DUP-1' });
  });

  it('paging that failed in xero-sync fails the import, keeping what was applied', async () => {
    const one = contact('Applied Before Failure');
    const job = await start({});
    await published('xero.import-requested.v1', job.id);
    await deliverPage(job.id, 1, 3, [one]);
    await pub.publish(XeroImportFinished, shop.id, { importId: job.id, status: 'failed', pages: 1, error: 'Xero answered 401: the connection expired' });
    const failed = await importWhen(job.id, (i) => i.status === 'failed', 'the import to fail');
    expect(failed).toMatchObject({ pages: { done: 1, total: 3 }, contacts: { created: 1 }, error: 'Xero answered 401: the connection expired' });
    expect(failed.summary).toMatch(/^failed after 1 of 3 pages: Xero answered 401.*what those pages applied stays/);
    expect((await shop.get(`/api/customers/${importedCustomerId(shop.id, one.xeroContactId)}`)).status).toBe(200);
    expect((await shop.delete(`/api/imports/${job.id}`)).status).toBe(409);
  });

  it("lists the retailer's imports newest first; another retailer's import answers 404", async () => {
    const list = await shop.get('/api/imports?pageSize=2');
    expect(list.status).toBe(200);
    expect(list.body).toMatchObject({ page: 1, pageSize: 2, total: 7 });
    expect(list.body.items).toHaveLength(2);
    const all = (await shop.get('/api/imports')).body.items as ImportBody[];
    expect(all.map((i) => i.dryRun)).toEqual([false, false, true, false, false, false, true]);
    expect(all[5].id).toBe(realImportId);
    expect(all[0].problems).toBeUndefined();

    expect((await other.get(`/api/imports/${realImportId}`)).status).toBe(404);
    expect((await other.delete(`/api/imports/${realImportId}`)).status).toBe(404);
    expect((await other.get('/api/imports')).body).toMatchObject({ items: [], total: 0 });
    expect((await shop.get('/api/imports/not-an-id')).status).toBe(404);
    // a page naming another retailer's import is dropped
    const before = await getImport(realImportId);
    await deliverPage(realImportId, 3, 3, [contact('Intruder')], other);
    expect((await getImport(realImportId)).contacts).toEqual(before.contacts);
  });

  it('one import per retailer: starts racing on two instances start exactly one; a slot a crash left without its job holds only briefly', async () => {
    const racer = await suite.retailer(svc.url, 'Racing Shop');
    await pub.publish(XeroConnectionChanged, racer.id, { status: 'connected', tenantId: 't-race', organisationName: 'Racing Shop Ltd', shortCode: '!Rce' }, { occurredAt: tick() });
    await eventually(async () => (await racer.get('/api/xero/connection')).body.status === 'connected', { what: 'the racing shop to be connected', timeoutMs: 10_000, intervalMs: 50 });
    const svc2 = await suite.start();
    const answers = await Promise.all([racer, racer.on(svc2.url), racer, racer.on(svc2.url)].map((r) => r.post('/api/imports/xero', {})));
    const started = answers.filter((a) => a.status === 202);
    expect(started).toHaveLength(1);
    const id: string = started[0].body.id;
    for (const a of answers.filter((x) => x.status !== 202)) {
      expect(a.status).toBe(409);
      expect(a.body.details).toMatchObject({ code: 'IMPORT.ALREADY_RUNNING', importId: id });
    }
    expect((await racer.get('/api/imports')).body.total).toBe(1);
    await svc2.close();
    expect((await racer.delete(`/api/imports/${id}`)).status).toBe(200);

    // a crash between taking the slot and writing the job: the slot names a job that does not exist
    const slots = (await suite.db()).collection<{ _id: string; importId: string; takenAt: Date }>('import_slots');
    const lost = randomUUID();
    await slots.updateOne({ _id: racer.id }, { $set: { importId: lost, takenAt: new Date() } });
    const held = await racer.post('/api/imports/xero', {});
    expect(held.status).toBe(409);
    expect(held.body.details).toMatchObject({ code: 'IMPORT.ALREADY_RUNNING', importId: lost });
    await slots.updateOne({ _id: racer.id }, { $set: { takenAt: new Date(Date.now() - 10 * 60_000) } });
    const next = await racer.post('/api/imports/xero', {});
    expect(next.status).toBe(202);
    expect((await racer.delete(`/api/imports/${next.body.id}`)).status).toBe(200);
  });
});
