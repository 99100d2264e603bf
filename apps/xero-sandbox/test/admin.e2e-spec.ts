/** The /sandbox test-and-demo surface, health, the demo organisation and the state file. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock } from '../src/app/core/clock';
import { createSandboxApp } from '../src/app/create-sandbox-app';
import { TokenResponse } from '../src/app/oauth/oauth-server';
import {
  Harness,
  expectOk,
  http,
  startHarness,
  xeroClient,
  expectXeroError,
} from '../src/testing/sandbox-harness';

type Json = Record<string, unknown>;
const IMPORT_WHERE =
  'ContactStatus=="ACTIVE" AND (IsCustomer==true OR IsSupplier==false)';

describe('/sandbox surface', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness();
  });

  afterAll(async () => {
    await h.close();
  });

  it('serves /health/live and /health/ready', async () => {
    expect((await http(`${h.url}/health/live`)).json()).toEqual({
      status: 'ok',
    });
    const ready = await http(`${h.url}/health/ready`);
    expect(ready.status).toBe(200);
    expect(ready.json()).toMatchObject({ status: 'ok' });
  });

  it('creates organisations and seeds a chosen mix of designations', async () => {
    const created = await http(`${h.url}/sandbox/organisations`, {
      json: { name: 'Seeded Ltd', shortCode: '!Sd9Xy' },
    });
    expect(created.status).toBe(201);
    const org = created.json() as Json;
    expect(org).toMatchObject({ name: 'Seeded Ltd', shortCode: '!Sd9Xy' });
    const tenantId = org['tenantId'] as string;

    const seeded = await http(
      `${h.url}/sandbox/organisations/${tenantId}/contacts/seed`,
      {
        json: {
          count: 50,
          mix: { customer: 4, supplier: 2, both: 1, general: 2, archived: 1 },
        },
      },
    );
    expect(seeded.json()).toEqual({
      created: 50,
      byDesignation: {
        customer: 20,
        supplier: 10,
        both: 5,
        general: 10,
        archived: 5,
      },
    });

    const all = (
      await http(`${h.url}/sandbox/organisations/${tenantId}/contacts`)
    ).json() as Json[];
    expect(all).toHaveLength(50);
    expect(all.filter((c) => c['ContactStatus'] === 'ARCHIVED')).toHaveLength(
      5,
    );

    // The import filter sees customers, "both" and general contacts, not supplier-only or archived ones.
    const token = (
      await http(`${h.url}/sandbox/tokens`, { json: { tenantId } })
    ).json() as TokenResponse;
    const xero = await xeroClient(h.url, token);
    const page = await expectOk(
      xero.accountingApi.getContacts(
        tenantId,
        undefined,
        IMPORT_WHERE,
        undefined,
        undefined,
        1,
      ),
      'Contacts',
    );
    expect(page.raw['pagination']).toMatchObject({ itemCount: 35 });
  });

  it('edits a contact as a Xero user: designations without moving UpdatedDateUTC, ContactNumber read-only', async () => {
    const c = h.org.contacts.adminCreate({
      Name: 'Admin Edit Ltd',
      ContactNumber: 'POS-77',
    });
    const base = `${h.url}/sandbox/organisations/${h.tenantId}/contacts/${c.ContactID}`;
    h.clock.advance(5000);
    const designation = (
      await http(base, { method: 'PATCH', json: { IsCustomer: true } })
    ).json() as Json;
    expect(designation).toMatchObject({
      IsCustomer: true,
      designation: 'customer',
      UpdatedDateUTC: `/Date(${c.UpdatedDateUTC}+0000)/`,
    });
    h.clock.advance(5000);
    const edited = (
      await http(base, {
        method: 'PATCH',
        json: { EmailAddress: 'edited@example.com' },
      })
    ).json() as Json;
    expect(edited['UpdatedDateUTC']).toBe(`/Date(${h.clock.now()}+0000)/`);
    const refused = await http(base, {
      method: 'PATCH',
      json: { ContactNumber: 'X' },
    });
    expect(refused.status).toBe(400);
    const clash = await http(base, {
      method: 'PATCH',
      json: { Name: 'Harness Clash' },
    });
    expect(clash.status).toBe(200);
    h.org.contacts.adminCreate({ Name: 'Taken In Xero' });
    expect(
      (await http(base, { method: 'PATCH', json: { Name: 'taken in xero' } }))
        .status,
    ).toBe(400);
  });

  it('merges two contacts', async () => {
    const a = h.org.contacts.adminCreate({
      Name: 'Merge From',
      IsSupplier: true,
    });
    const b = h.org.contacts.adminCreate({
      Name: 'Merge To',
      IsCustomer: true,
    });
    const res = await http(
      `${h.url}/sandbox/organisations/${h.tenantId}/contacts/merge`,
      {
        json: { fromContactId: a.ContactID, toContactId: b.ContactID },
      },
    );
    expect(res.status).toBe(201);
    expect(res.json()).toMatchObject({
      from: { ContactStatus: 'ARCHIVED', MergedToContactID: b.ContactID },
      to: { IsCustomer: true, IsSupplier: true },
    });
  });

  it('logs every API request per tenant so a test sees exactly which fields a push sent', async () => {
    await http(`${h.url}/sandbox/organisations/${h.tenantId}/requests`, {
      method: 'DELETE',
    });
    const c = h.org.contacts.adminCreate({ Name: 'Logged Ltd' });
    await expectOk(
      h.xero.accountingApi.updateContact(
        h.tenantId,
        c.ContactID,
        {
          contacts: [
            {
              emailAddress: 'logged@example.com',
              phones: [{ phoneType: 'MOBILE' as never, phoneNumber: '021' }],
            },
          ],
        },
        'log-key',
      ),
      'Contacts',
    );
    const log = (
      await http(`${h.url}/sandbox/organisations/${h.tenantId}/requests`)
    ).json() as Json[];
    expect(log).toHaveLength(1);
    const entry = log[0];
    expect(entry).toMatchObject({
      method: 'POST',
      path: `/api.xro/2.0/Contacts/${c.ContactID}`,
      status: 200,
      tenantId: h.tenantId,
    });
    expect(entry['body']).toEqual({
      Contacts: [
        {
          EmailAddress: 'logged@example.com',
          Phones: [{ PhoneType: 'MOBILE', PhoneNumber: '021' }],
        },
      ],
    });
    const headers = entry['headers'] as Record<string, string>;
    expect(headers['content-type']).toMatch(/^application\/json/);
    expect(headers['idempotency-key']).toBe('log-key');
    expect(headers['authorization']).toMatch(/^Bearer …/);
    expect(headers['authorization']).not.toContain(h.token.access_token);
    expect((entry['responseBody'] as Json)['Status']).toBe('OK');
    const cleared = (
      await http(`${h.url}/sandbox/organisations/${h.tenantId}/requests`, {
        method: 'DELETE',
      })
    ).json();
    expect(cleared).toEqual({ cleared: 1 });
  });

  it('registers OAuth clients, changes token lifetimes and expires a token on demand', async () => {
    const client = (
      await http(`${h.url}/sandbox/clients`, {
        json: { name: 'Bench App', redirectUris: ['http://localhost/cb'] },
      })
    ).json() as Json;
    expect(client).toMatchObject({
      name: 'Bench App',
      redirectUris: ['http://localhost/cb'],
    });
    expect(typeof client['clientSecret']).toBe('string');
    const cfg = (
      await http(`${h.url}/sandbox/config`, {
        method: 'PUT',
        json: { accessTokenTtlSec: 60 },
      })
    ).json() as Json;
    expect(cfg['accessTokenTtlSec']).toBe(60);
    const t = (
      await http(`${h.url}/sandbox/tokens`, {
        json: { tenantId: h.tenantId, clientId: client['clientId'] },
      })
    ).json() as TokenResponse;
    expect(t.expires_in).toBe(60);
    await http(`${h.url}/sandbox/config`, {
      method: 'PUT',
      json: { accessTokenTtlSec: 1800 },
    });
    const xero = await xeroClient(h.url, t);
    const ok = await expectOk(
      xero.accountingApi.getContacts(h.tenantId),
      'Contacts',
    );
    expect(ok.raw['ProviderName']).toBe('Bench App');
    expect(
      (
        await http(`${h.url}/sandbox/tokens/expire`, {
          json: { access_token: t.access_token },
        })
      ).json(),
    ).toEqual({ expired: true });
    const r = await http(`${h.url}/api.xro/2.0/Contacts`, {
      headers: {
        authorization: `Bearer ${t.access_token}`,
        'xero-tenant-id': h.tenantId,
      },
    });
    expectXeroError(r, 401);
  });

  it('resets to the demo organisation, whose contacts cover every designation', async () => {
    const res = await http(`${h.url}/sandbox/reset`, {
      json: { seedDemo: true },
    });
    expect(res.status).toBe(200);
    const orgs = (
      await http(`${h.url}/sandbox/organisations`)
    ).json() as Json[];
    expect(orgs).toHaveLength(1);
    expect(orgs[0]).toMatchObject({ name: 'Demo Retail Ltd' });
    const counts = orgs[0]['contacts'] as Record<string, number>;
    for (const kind of ['customer', 'supplier', 'both', 'general', 'archived'])
      expect(counts[kind]).toBeGreaterThan(0);
    const contacts = (
      await http(
        `${h.url}/sandbox/organisations/${orgs[0]['tenantId']}/contacts`,
      )
    ).json() as Json[];
    expect(contacts.some((c) => c['MergedToContactID'])).toBe(true);
  });
});

describe('state file', () => {
  it('seeds the demo organisation on first start and keeps state (contacts, tokens) across restarts', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'xero-sandbox-'));
    const stateFile = join(dir, 'state.json');
    const clock = new ManualClock();
    try {
      const first = await createSandboxApp({ stateFile, clock, logger: false });
      const url = await first.listen(0, '127.0.0.1');
      const [demo] = [...first.runtime.organisations.values()];
      expect(demo.name).toBe('Demo Retail Ltd');
      const token = (
        await http(`${url}/sandbox/tokens`, {
          json: { tenantId: demo.tenantId },
        })
      ).json() as TokenResponse;
      await http(`${url}/sandbox/organisations/${demo.tenantId}/contacts`, {
        json: { Name: 'Survives Restart', IsCustomer: true },
      });
      await first.close();

      const second = await createSandboxApp({
        stateFile,
        clock,
        logger: false,
      });
      const url2 = await second.listen(0, '127.0.0.1');
      expect([...second.runtime.organisations.keys()]).toEqual([demo.tenantId]);
      const xero = await xeroClient(url2, token);
      const r = await expectOk(
        xero.accountingApi.getContacts(
          demo.tenantId,
          undefined,
          'Name=="Survives Restart"',
        ),
        'Contacts',
      );
      expect((r.raw['Contacts'] as Json[])[0]).toMatchObject({
        IsCustomer: true,
      });
      await second.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
