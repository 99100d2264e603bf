/** Contact webhooks: payload per xero-webhooks.yaml, x-xero-signature, batching, sequences, retries. */
import { createHmac } from 'node:crypto';
import { createServer, IncomingMessage, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import {
  Harness,
  expectOk,
  http,
  startHarness,
} from '../src/testing/sandbox-harness';
import { assertSchema } from '../src/testing/xero-schemas';
import { verifyWebhookSignature } from '../src/app/webhooks/webhook-signature';

const KEY = 'test-webhook-key-0123456789';

interface Received {
  raw: string;
  signature: string | undefined;
  contentType: string | undefined;
}

/** A receiver that records deliveries and answers with the next queued status (200 by default). */
class Receiver {
  readonly received: Received[] = [];
  statuses: number[] = [];
  verify = false;
  private server?: Server;
  url = '';

  async start(): Promise<void> {
    this.server = createServer((req: IncomingMessage, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        const signature = req.headers['x-xero-signature'] as string | undefined;
        this.received.push({
          raw,
          signature,
          contentType: req.headers['content-type'],
        });
        const status = this.verify
          ? verifyWebhookSignature(raw, signature, KEY)
            ? 200
            : 401
          : (this.statuses.shift() ?? 200);
        res.statusCode = status;
        res.end();
      });
    });
    await new Promise<void>((r) => this.server?.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server?.address() as AddressInfo).port}/xero/webhooks`;
  }

  stop(): Promise<void> {
    return new Promise((r) => this.server?.close(() => r()));
  }

  payloads(): Array<Record<string, unknown>> {
    return this.received.map(
      (r) => JSON.parse(r.raw) as Record<string, unknown>,
    );
  }
}

describe('webhooks', () => {
  let h: Harness;
  let receiver: Receiver;

  beforeAll(async () => {
    receiver = new Receiver();
    await receiver.start();
    h = await startHarness({
      webhook: { key: KEY, batchDelayMs: 1000, retryDelaysMs: [1000, 5000] },
    });
    const res = await http(
      `${h.url}/sandbox/organisations/${h.tenantId}/webhook`,
      { method: 'PUT', json: { url: receiver.url } },
    );
    expect(res.status).toBe(200);
  });

  afterAll(async () => {
    await h.close();
    await receiver.stop();
  });

  beforeEach(() => {
    receiver.received.length = 0;
    receiver.statuses = [];
    receiver.verify = false;
  });

  const deliver = async () => {
    h.clock.advance(1000); // the batch window
    await h.sandbox.runtime.webhooks.flush();
  };

  it('delivers CREATE and UPDATE events, batched, signed with HMAC-SHA256 of the raw body', async () => {
    const created = await expectOk(
      h.xero.accountingApi.createContacts(h.tenantId, {
        contacts: [{ name: 'Hook One' }, { name: 'Hook Two' }],
      }),
      'Contacts',
    );
    const [one] = created.raw['Contacts'] as Array<Record<string, string>>;
    expect(receiver.received).toHaveLength(0); // not before the batch window closes
    await deliver();

    expect(receiver.received).toHaveLength(1);
    const { raw, signature, contentType } = receiver.received[0];
    expect(contentType).toMatch(/^application\/json/);
    expect(signature).toBe(
      createHmac('sha256', KEY).update(raw).digest('base64'),
    );
    expect(verifyWebhookSignature(raw, signature, 'some-other-key')).toBe(
      false,
    );

    const payload = receiver.payloads()[0];
    assertSchema('webhooks#WebhookEvent', payload);
    expect(Object.keys(payload)).toEqual([
      'events',
      'firstEventSequence',
      'lastEventSequence',
      'entropy',
    ]);
    const events = payload['events'] as Array<Record<string, unknown>>;
    expect(events).toHaveLength(2);
    expect(events[0]).toEqual({
      resourceUrl: `${h.url}/api.xro/2.0/Contacts/${one['ContactID']}`,
      resourceId: one['ContactID'],
      eventDateUtc: expect.stringMatching(
        /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}$/,
      ),
      eventType: 'CREATE',
      eventCategory: 'CONTACT',
      tenantId: h.tenantId,
      tenantType: 'ORGANISATION',
    });
    expect(payload['lastEventSequence']).toBe(
      (payload['firstEventSequence'] as number) + 1,
    );
    expect(payload['entropy']).toMatch(/^[A-Z]{20}$/);

    // an update, and an edit by a person in Xero (the /sandbox surface), raise UPDATE events
    await expectOk(
      h.xero.accountingApi.updateContact(h.tenantId, one['ContactID'], {
        contacts: [{ emailAddress: 'one@example.com' }],
      }),
      'Contacts',
    );
    const edit = await http(
      `${h.url}/sandbox/organisations/${h.tenantId}/contacts/${one['ContactID']}`,
      {
        method: 'PATCH',
        json: { FirstName: 'Edited In Xero' },
      },
    );
    expect(edit.status).toBe(200);
    await deliver();
    const second = receiver.payloads()[1];
    expect(
      (second['events'] as Array<Record<string, unknown>>).map(
        (e) => e['eventType'],
      ),
    ).toEqual(['UPDATE', 'UPDATE']);
    expect(second['firstEventSequence']).toBe(
      (payload['lastEventSequence'] as number) + 1,
    );

    // the resourceUrl can be fetched as-is
    const fetched = await expectOk(
      h.xero.accountingApi.getContact(h.tenantId, one['ContactID']),
      'Contacts',
    );
    expect(
      (fetched.raw['Contacts'] as Array<Record<string, unknown>>)[0][
        'FirstName'
      ],
    ).toBe('Edited In Xero');
  });

  it('retries a failed delivery with backoff, the same body and signature, and gives up after the last retry', async () => {
    receiver.statuses = [500];
    h.org.contacts.adminCreate({ Name: 'Hook Retry' });
    await deliver();
    expect(receiver.received).toHaveLength(1);
    h.clock.advance(999);
    await h.sandbox.runtime.webhooks.flush();
    expect(receiver.received).toHaveLength(1);
    h.clock.advance(1);
    await h.sandbox.runtime.webhooks.flush();
    expect(receiver.received).toHaveLength(2);
    expect(receiver.received[1]).toEqual(receiver.received[0]);
    const delivery = h.sandbox.runtime.webhooks
      .listDeliveries(h.tenantId)
      .at(-1);
    expect(delivery?.state).toBe('delivered');
    expect(delivery?.attempts.map((a) => a.status)).toEqual([500, 200]);

    receiver.received.length = 0;
    receiver.statuses = [503, 503, 503, 503];
    h.org.contacts.adminCreate({ Name: 'Hook Never' });
    await deliver();
    h.clock.advance(1000);
    await h.sandbox.runtime.webhooks.flush();
    h.clock.advance(5000);
    await h.sandbox.runtime.webhooks.flush();
    h.clock.advance(60_000);
    await h.sandbox.runtime.webhooks.flush();
    expect(receiver.received).toHaveLength(3); // first attempt + 2 retries
    expect(
      h.sandbox.runtime.webhooks.listDeliveries(h.tenantId).at(-1)?.state,
    ).toBe('failed');
  });

  it("runs Xero's intent-to-receive check: 200 for a good signature and 401 for a bad one", async () => {
    receiver.verify = true;
    const good = await http(`${h.url}/sandbox/webhooks/intent-to-receive`, {
      json: { url: receiver.url },
    });
    expect(good.json()).toEqual({
      ok: true,
      correctlySigned: 200,
      incorrectlySigned: 401,
    });
    receiver.verify = false; // a lenient receiver answers 200 to anything and fails the check
    const lenient = await http(`${h.url}/sandbox/webhooks/intent-to-receive`, {
      json: { url: receiver.url },
    });
    expect(lenient.json()).toEqual({
      ok: false,
      correctlySigned: 200,
      incorrectlySigned: 200,
    });
  });

  it('sends nothing for an organisation without a webhook URL', async () => {
    const quiet = h.sandbox.runtime.createOrganisation({ name: 'Quiet Ltd' });
    quiet.contacts.adminCreate({ Name: 'Silent Contact' });
    await deliver();
    expect(receiver.received).toHaveLength(0);
  });
});
