/**
 * Issue 8: the places where the sandbox used to be more forgiving than Xero (or simply different), one
 * `describe` per row of the issue, through the real xero-node client wherever it can express the call.
 * Every reply is checked against the OpenAPI (or, where it has no schema, the shape Xero documents).
 */
import { createServer, IncomingMessage, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { Address, Contact, Phone, XeroClient } from 'xero-node';
import {
  Harness,
  call,
  expectFailure,
  expectOk,
  http,
  startHarness,
  until,
  xeroClient,
} from '../src/testing/sandbox-harness';
import { DEFAULT_LIMITS } from '../src/app/config/sandbox-options';
import { verifyWebhookSignature } from '../src/app/webhooks/webhook-signature';

type Json = Record<string, unknown>;

const contactsOf = (raw: unknown) => (raw as { Contacts: Json[] }).Contacts;
const messagesOf = (raw: unknown) =>
  ((raw as { Elements?: Json[] }).Elements ?? []).flatMap((e) =>
    ((e['ValidationErrors'] as Array<{ Message: string }>) ?? []).map(
      (v) => v.Message,
    ),
  );

describe('sandbox fidelity (issue 8)', () => {
  let h: Harness;
  const api = () => h.xero.accountingApi;

  beforeAll(async () => {
    h = await startHarness({ webhook: { retryDelaysMs: [1000, 5000] } });
  });

  afterAll(async () => {
    await h.close();
  });

  beforeEach(async () => {
    h.sandbox.runtime.faults.clear();
    // some tests move the clock by hours: give the main client a token valid from now
    h.xero = await xeroClient(
      h.url,
      h.sandbox.runtime.oauth.issueDirect({ tenantIds: [h.tenantId] }),
    );
  });

  /** A fresh organisation with its own token, so tests do not see each other's contacts. */
  async function freshTenant(
    name: string,
  ): Promise<{ tenantId: string; xero: XeroClient }> {
    const org = h.sandbox.runtime.createOrganisation({ name });
    const token = h.sandbox.runtime.oauth.issueDirect({
      tenantIds: [org.tenantId],
    });
    return { tenantId: org.tenantId, xero: await xeroClient(h.url, token) };
  }

  describe('1. ContactNumber is unique across all contacts', () => {
    it('refuses a create or update that reuses the ContactNumber of an active, archived or merged contact', async () => {
      await expectOk(
        api().createContacts(h.tenantId, {
          contacts: [{ name: 'Number Owner', contactNumber: 'POS-U1' }],
        }),
        'Contacts',
      );
      const dup = await expectFailure(
        api().createContacts(h.tenantId, {
          contacts: [{ name: 'Number Thief', contactNumber: 'POS-U1' }],
        }),
        400,
      );
      expect(messagesOf(dup.raw)).toEqual([
        'The contact number POS-U1 is already assigned to another contact. The contact number must be unique across all contacts.',
      ]);

      // archived: the number stays taken (compared without regard to letter case)
      const archived = h.org.contacts.adminCreate({
        Name: 'Archived Number Owner',
        ContactNumber: 'POS-U2',
        ContactStatus: 'ARCHIVED',
      });
      await expectFailure(
        api().createContacts(h.tenantId, {
          contacts: [{ name: 'Another', contactNumber: 'pos-u2' }],
        }),
        400,
      );
      // merged: the archived source keeps its number
      const keep = h.org.contacts.adminCreate({ Name: 'Merge Target U3' });
      const gone = h.org.contacts.adminCreate({
        Name: 'Merge Source U3',
        ContactNumber: 'POS-U3',
      });
      h.org.contacts.merge(gone.ContactID, keep.ContactID);
      await expectFailure(
        api().createContacts(h.tenantId, {
          contacts: [{ name: 'Yet Another', contactNumber: 'POS-U3' }],
        }),
        400,
      );
      // an update to another contact's number is refused too; keeping one's own number is fine
      const other = contactsOf(
        (
          await expectOk(
            api().createContacts(h.tenantId, {
              contacts: [{ name: 'Number Other', contactNumber: 'POS-U4' }],
            }),
            'Contacts',
          )
        ).raw,
      )[0];
      await expectFailure(
        api().updateContact(h.tenantId, String(other['ContactID']), {
          contacts: [{ contactNumber: 'POS-U1' }],
        }),
        400,
      );
      await expectOk(
        api().updateContact(h.tenantId, String(other['ContactID']), {
          contacts: [{ contactNumber: 'POS-U4', firstName: 'Same' }],
        }),
        'Contacts',
      );
      const holders = h.org.contacts
        .all()
        .filter((c) => c.ContactNumber?.toLowerCase() === 'pos-u1');
      expect(holders).toHaveLength(1);
      expect(archived.ContactStatus).toBe('ARCHIVED');
    });
  });

  describe('2. summaryOnly', () => {
    it("returns Xero's lightweight contact, paged, and refuses a where on an omitted field", async () => {
      const t = await freshTenant('Summary Ltd');
      await expectOk(
        t.xero.accountingApi.createContacts(t.tenantId, {
          contacts: [
            {
              name: 'Summary Person',
              phones: [
                {
                  phoneType: Phone.PhoneTypeEnum.MOBILE,
                  phoneNumber: '021 555',
                },
              ],
              addresses: [
                { addressType: Address.AddressTypeEnum.STREET, city: 'Town' },
              ],
              contactPersons: [{ firstName: 'Pat' }],
            },
          ],
        }),
        'Contacts',
      );
      const r = await expectOk(
        t.xero.accountingApi.getContacts(
          t.tenantId,
          undefined,
          undefined,
          undefined,
          undefined,
          undefined,
          undefined,
          true,
        ),
        'Contacts',
      );
      expect(r.raw['pagination']).toEqual({
        page: 1,
        pageSize: 100,
        pageCount: 1,
        itemCount: 1,
      });
      const c = contactsOf(r.raw)[0];
      for (const omitted of [
        'Addresses',
        'Balances',
        'ContactGroups',
        'ContactPersons',
        'IsCustomer',
        'IsSupplier',
        'SalesDefaultAccountCode',
        'PurchasesDefaultAccountCode',
        'SalesTrackingCategories',
        'PurchasesTrackingCategories',
      ])
        expect(c[omitted]).toBeUndefined();
      expect(
        (c['Phones'] as Json[]).find((p) => p['PhoneType'] === 'MOBILE'),
      ).toMatchObject({ PhoneNumber: '021 555' });

      const refused = await expectFailure(
        t.xero.accountingApi.getContacts(
          t.tenantId,
          undefined,
          'IsCustomer==true',
          undefined,
          undefined,
          undefined,
          undefined,
          true,
        ),
        400,
      );
      expect(refused.raw['Type']).toBe('QueryParseException');
    });
  });

  describe('3. Idempotency-Key after a 5xx', () => {
    it('replays an injected 500 (failNext) for the same key instead of running the request again', async () => {
      const before = h.org.contacts.size;
      h.sandbox.runtime.faults.set({
        tenantId: h.tenantId,
        failNext: 1,
        errorStatus: 500,
      });
      const first = await expectFailure(
        api().createContacts(
          h.tenantId,
          { contacts: [{ name: 'After Five Hundred' }] },
          undefined,
          'fid-500',
        ),
        500,
      );
      const retry = await expectFailure(
        api().createContacts(
          h.tenantId,
          { contacts: [{ name: 'After Five Hundred' }] },
          undefined,
          'fid-500',
        ),
        500,
      );
      expect(retry.raw).toEqual(first.raw);
      expect(h.org.contacts.size).toBe(before);
      const log = h.sandbox.runtime.requestLog.list({
        tenantId: h.tenantId,
        method: 'PUT',
      });
      expect(log.slice(-2).map((e) => e.outcome)).toEqual([
        'injected-500',
        'idempotent-replay',
      ]);
      // a new key runs the request
      await expectOk(
        api().createContacts(
          h.tenantId,
          { contacts: [{ name: 'After Five Hundred' }] },
          undefined,
          'fid-500-b',
        ),
        'Contacts',
      );
      expect(h.org.contacts.size).toBe(before + 1);
    });

    it('replays a 500 that came after the write (failAfterWriteNext): exactly one contact, found by its number', async () => {
      const before = h.org.contacts.size;
      const put = await http(`${h.url}/sandbox/faults`, {
        method: 'PUT',
        json: { tenantId: h.tenantId, failAfterWriteNext: 1 },
      });
      expect(put.status).toBe(200);
      const body = {
        contacts: [{ name: 'Written Then 500', contactNumber: 'POS-W500' }],
      };
      await expectFailure(
        api().createContacts(h.tenantId, body, undefined, 'fid-w500'),
        500,
      );
      expect(h.org.contacts.size).toBe(before + 1);
      await expectFailure(
        api().createContacts(h.tenantId, body, undefined, 'fid-w500'),
        500,
      );
      expect(h.org.contacts.size).toBe(before + 1);
      // what a client does next: look the contact up by the number it chose
      const found = await expectOk(
        api().getContactByContactNumber(h.tenantId, 'POS-W500'),
        'Contacts',
      );
      expect(contactsOf(found.raw)[0]['Name']).toBe('Written Then 500');
    });

    it('remembers the 500 for the key lifetime only', async () => {
      h.sandbox.runtime.faults.set({
        tenantId: h.tenantId,
        failNext: 1,
        errorStatus: 500,
      });
      const body = { contacts: [{ name: 'Key Expires After 500' }] };
      await expectFailure(
        api().createContacts(h.tenantId, body, undefined, 'fid-ttl'),
        500,
      );
      h.clock.advance(6 * 60_000);
      await expectOk(
        api().createContacts(h.tenantId, body, undefined, 'fid-ttl'),
        'Contacts',
      );
    });
  });

  describe('4. default order', () => {
    it('lists contacts by UpdatedDateUTC ascending, then ContactID', async () => {
      const t = await freshTenant('Order Ltd');
      const ids: string[] = [];
      for (const name of ['Zed', 'Mid', 'Abe']) {
        const r = await expectOk(
          t.xero.accountingApi.createContacts(t.tenantId, {
            contacts: [{ name }],
          }),
          'Contacts',
        );
        ids.push(String(contactsOf(r.raw)[0]['ContactID']));
        h.clock.advance(1000);
      }
      const names = async () =>
        contactsOf(
          (
            await expectOk(
              t.xero.accountingApi.getContacts(t.tenantId),
              'Contacts',
            )
          ).raw,
        ).map((c) => c['Name']);
      expect(await names()).toEqual(['Zed', 'Mid', 'Abe']);
      await expectOk(
        t.xero.accountingApi.updateContact(t.tenantId, ids[0], {
          contacts: [{ firstName: 'Touched' }],
        }),
        'Contacts',
      );
      expect(await names()).toEqual(['Mid', 'Abe', 'Zed']);
    });
  });

  describe('5. unpaged GET /Contacts', () => {
    it('leaves out the fields Xero returns only when paged or by id', async () => {
      const t = await freshTenant('Unpaged Ltd');
      const org = h.sandbox.runtime.getOrganisation(t.tenantId);
      const c = org?.contacts.adminCreate({
        Name: 'Heavy Contact',
        Website: 'www.heavy.example',
        Discount: 5,
        SalesDefaultAccountCode: '200',
        PurchasesDefaultAccountCode: '300',
        ContactPersons: [{ FirstName: 'Sam' }],
        Balances: {
          AccountsReceivable: { Outstanding: 10, Overdue: 0 },
          AccountsPayable: { Outstanding: 0, Overdue: 0 },
        },
      });
      const paged = [
        'ContactPersons',
        'Website',
        'Discount',
        'Balances',
        'ContactGroups',
        'SalesDefaultAccountCode',
        'PurchasesDefaultAccountCode',
        'HasAttachments',
      ];
      const list = contactsOf(
        (
          await expectOk(
            t.xero.accountingApi.getContacts(t.tenantId),
            'Contacts',
          )
        ).raw,
      )[0];
      for (const f of [...paged, 'MergedToContactID'])
        expect(list[f]).toBeUndefined();
      const page = contactsOf(
        (
          await expectOk(
            t.xero.accountingApi.getContacts(
              t.tenantId,
              undefined,
              undefined,
              undefined,
              undefined,
              1,
            ),
            'Contacts',
          )
        ).raw,
      )[0];
      const byId = contactsOf(
        (
          await expectOk(
            t.xero.accountingApi.getContact(t.tenantId, String(c?.ContactID)),
            'Contacts',
          )
        ).raw,
      )[0];
      for (const f of paged) {
        expect(page[f]).toBeDefined();
        expect(byId[f]).toBeDefined();
      }
    });
  });

  describe('6. where equality on Name, EmailAddress, AccountNumber', () => {
    it('ignores letter case and accents, and accepts = as well as ==', async () => {
      const t = await freshTenant('Where Ltd');
      await expectOk(
        t.xero.accountingApi.createContacts(t.tenantId, {
          contacts: [
            {
              name: 'Zoë Ångström',
              emailAddress: 'Zoe@Example.com',
              accountNumber: 'AC-Ø1',
            },
            { name: 'Someone Else' },
          ],
        }),
        'Contacts',
      );
      for (const where of [
        'Name=="zoe angstrom"',
        'Name="ZOË ÅNGSTRÖM"',
        'EmailAddress=="zoe@example.COM"',
        'AccountNumber=="ac-ø1"',
      ]) {
        const r = await expectOk(
          t.xero.accountingApi.getContacts(t.tenantId, undefined, where),
          'Contacts',
        );
        expect(contactsOf(r.raw).map((c) => c['Name'])).toEqual([
          'Zoë Ångström',
        ]);
      }
    });
  });

  describe('7. 429 from the concurrent-call limit', () => {
    it('sends no Retry-After, only X-Rate-Limit-Problem: concurrent, and an empty body', async () => {
      const t = await freshTenant('Concurrent Fidelity Ltd');
      const limiter = h.sandbox.runtime.limiter;
      const saved = limiter.getConfig();
      limiter.setConfig({ concurrent: 5 });
      h.sandbox.runtime.faults.set({ tenantId: t.tenantId, latencyMs: 1000 });
      const slow = Array.from({ length: 5 }, () =>
        call(t.xero.accountingApi.getContacts(t.tenantId)),
      );
      await until(() => limiter.inFlight(t.tenantId) === 5);
      const refused = await expectFailure(
        t.xero.accountingApi.getContacts(t.tenantId),
        429,
      );
      expect(refused.headers['x-rate-limit-problem']).toBe('concurrent');
      expect(refused.headers['retry-after']).toBeUndefined();
      h.clock.advance(1000);
      expect((await Promise.all(slow)).every((r) => r.status === 200)).toBe(
        true,
      );
      limiter.setConfig(saved);
      // a minute-limit 429 still carries Retry-After (checked by expectFailure's shape check)
      h.sandbox.runtime.faults.set({ tenantId: t.tenantId, force429Next: 1 });
      const minute = await expectFailure(
        t.xero.accountingApi.getContacts(t.tenantId),
        429,
      );
      expect(minute.headers['retry-after']).toBe('1');
    });
  });

  describe('8. webhook receiver', () => {
    let server: Server;
    let url = '';
    let reply: { status: number; body: string } = { status: 200, body: '' };
    let received = 0;

    beforeAll(async () => {
      server = createServer((req: IncomingMessage, res) => {
        const chunks: Buffer[] = [];
        req.on('data', (c: Buffer) => chunks.push(c));
        req.on('end', () => {
          received++;
          const raw = Buffer.concat(chunks).toString('utf8');
          const signed = verifyWebhookSignature(
            raw,
            req.headers['x-xero-signature'] as string | undefined,
            h.sandbox.runtime.webhooks.key,
          );
          res.statusCode = signed ? reply.status : 401;
          res.end(signed ? reply.body : '');
        });
      });
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
    });

    afterAll(async () => {
      await new Promise((r) => server.close(() => r(undefined)));
    });

    it('counts only a 200 with an empty body, fails intent-to-receive otherwise, and disables the subscription after the retries', async () => {
      const t = await freshTenant('Webhook Fidelity Ltd');
      await http(`${h.url}/sandbox/organisations/${t.tenantId}/webhook`, {
        method: 'PUT',
        json: { url },
      });
      reply = { status: 200, body: 'OK' };
      const itr = await http(`${h.url}/sandbox/webhooks/intent-to-receive`, {
        method: 'POST',
        json: { url },
      });
      expect(itr.json()).toMatchObject({ ok: false, correctlySigned: 200 });

      await expectOk(
        t.xero.accountingApi.createContacts(t.tenantId, {
          contacts: [{ name: 'Hooked' }],
        }),
        'Contacts',
      );
      const flush = async () => {
        h.clock.advance(1000);
        await h.sandbox.runtime.webhooks.flush();
      };
      await flush(); // first attempt
      h.clock.advance(1000);
      await h.sandbox.runtime.webhooks.flush(); // retry 1
      h.clock.advance(5000);
      await h.sandbox.runtime.webhooks.flush(); // retry 2, the last
      const [delivery] = h.sandbox.runtime.webhooks.listDeliveries(t.tenantId);
      expect(delivery.state).toBe('failed');
      expect(delivery.attempts).toHaveLength(3);
      expect(delivery.attempts[0]).toMatchObject({ status: 200 });
      const subs = await http(`${h.url}/sandbox/webhooks/subscriptions`);
      expect(subs.json()).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ url, status: 'DISABLED' }),
        ]),
      );

      // disabled: later events are not sent
      const before = received;
      await expectOk(
        t.xero.accountingApi.createContacts(t.tenantId, {
          contacts: [{ name: 'Hooked Later' }],
        }),
        'Contacts',
      );
      await flush();
      expect(received).toBe(before);

      // a receiver answering as Xero asks passes intent-to-receive, which re-enables the subscription
      reply = { status: 200, body: '' };
      const again = await http(`${h.url}/sandbox/webhooks/intent-to-receive`, {
        method: 'POST',
        json: { url },
      });
      expect(again.json()).toMatchObject({ ok: true });
      await expectOk(
        t.xero.accountingApi.createContacts(t.tenantId, {
          contacts: [{ name: 'Hooked Again' }],
        }),
        'Contacts',
      );
      await flush();
      expect(
        h.sandbox.runtime.webhooks.listDeliveries(t.tenantId).at(-1)?.state,
      ).toBe('delivered');
    });
  });

  describe('9. empty batch', () => {
    it('answers 400 to PUT {"Contacts": []} (and to POST)', async () => {
      const before = h.org.contacts.size;
      const put = await expectFailure(
        api().createContacts(h.tenantId, { contacts: [] }),
        400,
      );
      expect(put.raw['Message']).toBe('At least one contact must be supplied.');
      await expectFailure(
        api().updateOrCreateContacts(h.tenantId, { contacts: [] }),
        400,
      );
      expect(h.org.contacts.size).toBe(before);
    });
  });

  describe('10. ContactPersons', () => {
    it('accepts at most 5', async () => {
      const persons = (n: number) =>
        Array.from({ length: n }, (_, i) => ({ firstName: `P${i}` }));
      await expectOk(
        api().createContacts(h.tenantId, {
          contacts: [{ name: 'Five Persons', contactPersons: persons(5) }],
        }),
        'Contacts',
      );
      const six = await expectFailure(
        api().createContacts(h.tenantId, {
          contacts: [{ name: 'Six Persons', contactPersons: persons(6) }],
        }),
        400,
      );
      expect(messagesOf(six.raw)).toEqual([
        'A contact can have at most 5 contact persons.',
      ]);
    });
  });

  describe('11. minute and day windows', () => {
    it('counts in fixed windows per app and tenant that reset on the minute and on the day', async () => {
      const limiter = h.sandbox.runtime.limiter;
      const saved = limiter.getConfig();
      try {
        limiter.setConfig({ ...DEFAULT_LIMITS, concurrent: 50, perDay: 100 });
        limiter.reset();
        const t = await freshTenant('Window Ltd');
        // start on a minute boundary, then spend the minute's 60 calls in its second half
        h.clock.advance(60_000 - (h.clock.now() % 60_000) + 30_000);
        for (let i = 0; i < 60; i++)
          await expectOk(
            t.xero.accountingApi.getContacts(t.tenantId),
            'Contacts',
          );
        const refused = await expectFailure(
          t.xero.accountingApi.getContacts(t.tenantId),
          429,
        );
        expect(refused.headers['x-rate-limit-problem']).toBe('minute');
        expect(refused.headers['retry-after']).toBe('30');
        // another app connected to the same organisation has its own minute
        h.sandbox.runtime.oauth.registerClient({
          clientId: 'second-app',
          clientSecret: 'second-secret',
          name: 'Second App',
        });
        const second = await xeroClient(
          h.url,
          h.sandbox.runtime.oauth.issueDirect({
            tenantIds: [t.tenantId],
            clientId: 'second-app',
          }),
        );
        await expectOk(
          second.accountingApi.getContacts(t.tenantId),
          'Contacts',
        );
        // the minute turns: a rolling window would still refuse for 30 s, the fixed one has reset
        h.clock.advance(30_000);
        const fresh = await expectOk(
          t.xero.accountingApi.getContacts(t.tenantId),
          'Contacts',
        );
        expect(fresh.headers['x-minlimit-remaining']).toBe('59');

        // the day allows 100 here: 61 spent, 39 left; spend them, then the next call waits for 00:00 UTC
        expect(fresh.headers['x-daylimit-remaining']).toBe('39');
        for (let i = 0; i < 39; i++)
          await expectOk(
            t.xero.accountingApi.getContacts(t.tenantId),
            'Contacts',
          );
        const day = await expectFailure(
          t.xero.accountingApi.getContacts(t.tenantId),
          429,
        );
        expect(day.headers['x-rate-limit-problem']).toBe('day');
        const now = h.clock.now();
        const midnight = Math.floor(now / 86_400_000) * 86_400_000 + 86_400_000;
        expect(Number(day.headers['retry-after'])).toBe(
          Math.ceil((midnight - now) / 1000),
        );
        h.clock.advance(midnight - now);
        const tomorrow = await xeroClient(
          h.url,
          h.sandbox.runtime.oauth.issueDirect({ tenantIds: [t.tenantId] }),
        );
        const nextDay = await expectOk(
          tomorrow.accountingApi.getContacts(t.tenantId),
          'Contacts',
        );
        expect(nextDay.headers['x-daylimit-remaining']).toBe('99');
      } finally {
        limiter.setConfig(saved);
        limiter.reset();
      }
    });
  });

  describe('12. decisions where the documentation is silent', () => {
    it('refuses edits to an ARCHIVED contact except its restore, and never restores a merged one', async () => {
      const archived = h.org.contacts.adminCreate({
        Name: 'Archived Editable?',
        ContactStatus: 'ARCHIVED',
      });
      const edit = await expectFailure(
        api().updateContact(h.tenantId, archived.ContactID, {
          contacts: [{ firstName: 'Nope' }],
        }),
        400,
      );
      expect(messagesOf(edit.raw)[0]).toMatch(/archived and cannot be edited/);
      await expectFailure(
        api().updateContact(h.tenantId, archived.ContactID, {
          contacts: [
            { contactStatus: Contact.ContactStatusEnum.ACTIVE, firstName: 'X' },
          ],
        }),
        400,
      );
      const restored = await expectOk(
        api().updateContact(h.tenantId, archived.ContactID, {
          contacts: [{ contactStatus: Contact.ContactStatusEnum.ACTIVE }],
        }),
        'Contacts',
      );
      expect(contactsOf(restored.raw)[0]['ContactStatus']).toBe('ACTIVE');

      const keep = h.org.contacts.adminCreate({ Name: 'Unmerge Target' });
      const gone = h.org.contacts.adminCreate({ Name: 'Unmerge Source' });
      h.org.contacts.merge(gone.ContactID, keep.ContactID);
      const unmerge = await expectFailure(
        api().updateContact(h.tenantId, gone.ContactID, {
          contacts: [{ contactStatus: Contact.ContactStatusEnum.ACTIVE }],
        }),
        400,
      );
      expect(messagesOf(unmerge.raw)).toEqual([
        'This contact has been merged into another contact and cannot be restored.',
      ]);
    });

    it('finds a contact by ContactNumber only with the same letter case', async () => {
      await expectOk(
        api().createContacts(h.tenantId, {
          contacts: [{ name: 'Case Number', contactNumber: 'CaSe-77' }],
        }),
        'Contacts',
      );
      await expectOk(
        api().getContactByContactNumber(h.tenantId, 'CaSe-77'),
        'Contacts',
      );
      await expectFailure(
        api().getContactByContactNumber(h.tenantId, 'case-77'),
        404,
      );
    });

    it('answers a wrong client secret with 400 invalid_client', async () => {
      const res = await http(`${h.url}/connect/token`, {
        method: 'POST',
        headers: {
          authorization: `Basic ${Buffer.from('sandbox-client:wrong').toString('base64')}`,
        },
        form: { grant_type: 'refresh_token', refresh_token: 'x' },
      });
      expect(res.status).toBe(400);
      expect(res.json()).toEqual({ error: 'invalid_client' });
    });
  });
});
