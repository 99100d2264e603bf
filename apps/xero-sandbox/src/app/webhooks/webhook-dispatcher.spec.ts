import { ManualClock } from '../core/clock';
import { HttpPost, WebhookDispatcher } from './webhook-dispatcher';
import { signWebhookBody, verifyWebhookSignature } from './webhook-signature';

const T = '11111111-1111-4111-8111-111111111111';

describe('webhook signature', () => {
  it('is base64 HMAC-SHA256 of the raw body with the key', () => {
    // echo -n '{"a":1}' | openssl dgst -sha256 -hmac key -binary | base64
    expect(signWebhookBody('{"a":1}', 'key')).toBe(
      'iKZ/JLvNrtDmyZdAS7eadDuvRMa6svTCcyjjAJ0i40I=',
    );
    expect(
      verifyWebhookSignature(
        '{"a":1}',
        signWebhookBody('{"a":1}', 'key'),
        'key',
      ),
    ).toBe(true);
    expect(
      verifyWebhookSignature(
        '{"a": 1}',
        signWebhookBody('{"a":1}', 'key'),
        'key',
      ),
    ).toBe(false);
    expect(verifyWebhookSignature('{"a":1}', undefined, 'key')).toBe(false);
  });
});

describe('WebhookDispatcher', () => {
  let clock: ManualClock;
  let calls: Array<{
    url: string;
    body: string;
    headers: Record<string, string>;
  }>;
  let statuses: number[];
  let bodies: number[];
  let dispatcher: WebhookDispatcher;

  beforeEach(() => {
    clock = new ManualClock(Date.UTC(2024, 5, 21, 1, 15, 39, 902));
    calls = [];
    statuses = [];
    bodies = [];
    const post: HttpPost = async (url, body, headers) => {
      calls.push({ url, body, headers });
      return {
        status: statuses.shift() ?? 200,
        bodyLength: bodies.shift() ?? 0,
      };
    };
    dispatcher = new WebhookDispatcher(
      clock,
      {
        key: 'k',
        batchDelayMs: 100,
        retryDelaysMs: [1000, 2000],
        timeoutMs: 5000,
      },
      () => 'http://sandbox',
      (t) => (t === T ? 'http://receiver/hook' : undefined),
      post,
    );
  });

  const change = (
    contactId: string,
    eventType: 'CREATE' | 'UPDATE' = 'CREATE',
  ) => ({ tenantId: T, contactId, eventType, at: clock.now() });

  it('batches events raised within the window and numbers them', async () => {
    dispatcher.enqueue(change('a'));
    dispatcher.enqueue(change('b', 'UPDATE'));
    clock.advance(100);
    await dispatcher.flush();
    expect(calls).toHaveLength(1);
    const payload = JSON.parse(calls[0].body);
    expect(payload).toMatchObject({
      firstEventSequence: 1,
      lastEventSequence: 2,
    });
    expect(payload.events[0]).toEqual({
      resourceUrl: 'http://sandbox/api.xro/2.0/Contacts/a',
      resourceId: 'a',
      eventDateUtc: '2024-06-21T01:15:39.902',
      eventType: 'CREATE',
      eventCategory: 'CONTACT',
      tenantId: T,
      tenantType: 'ORGANISATION',
    });
    expect(calls[0].headers['x-xero-signature']).toBe(
      signWebhookBody(calls[0].body, 'k'),
    );
    dispatcher.enqueue(change('c'));
    await dispatcher.flush();
    expect(JSON.parse(calls[1].body)).toMatchObject({
      firstEventSequence: 3,
      lastEventSequence: 3,
    });
  });

  it('retries on anything but 200, with the configured delays, then gives up', async () => {
    statuses = [500, 202, 500];
    dispatcher.enqueue(change('a'));
    await dispatcher.flush();
    clock.advance(1000);
    await dispatcher.flush();
    clock.advance(2000);
    await dispatcher.flush();
    clock.advance(10_000);
    await dispatcher.flush();
    expect(calls).toHaveLength(3);
    expect(new Set(calls.map((c) => c.body)).size).toBe(1);
    expect(dispatcher.listDeliveries()[0]).toMatchObject({ state: 'failed' });
  });

  it('treats a network failure like a refusal', async () => {
    const failing = new WebhookDispatcher(
      clock,
      { key: 'k', batchDelayMs: 0, retryDelaysMs: [], timeoutMs: 10 },
      () => 'x',
      () => 'http://r',
      async () => {
        throw new Error('ECONNREFUSED');
      },
    );
    failing.enqueue(change('a'));
    await failing.flush();
    expect(failing.listDeliveries()[0]).toMatchObject({
      state: 'failed',
      attempts: [{ error: 'ECONNREFUSED' }],
    });
  });

  it('delivers nothing without a URL', async () => {
    dispatcher.enqueue({ ...change('a'), tenantId: 'other' });
    await dispatcher.flush();
    expect(calls).toEqual([]);
  });

  it('fails a 200 with a body, and disables the subscription once the retries run out', async () => {
    bodies = [2, 2, 2];
    dispatcher.enqueue(change('a'));
    clock.advance(100);
    await dispatcher.flush();
    clock.advance(1000);
    await dispatcher.flush();
    clock.advance(2000);
    await dispatcher.flush();
    const [d] = dispatcher.listDeliveries();
    expect(d.state).toBe('failed');
    expect(d.attempts.map((a) => a.error)).toEqual([
      'not accepted: 200 with a 2-byte body',
      'not accepted: 200 with a 2-byte body',
      'not accepted: 200 with a 2-byte body',
    ]);
    expect(dispatcher.isDisabled('http://receiver/hook')).toBe(true);
    dispatcher.enqueue(change('b'));
    clock.advance(100);
    await dispatcher.flush();
    expect(calls).toHaveLength(3);
    // intent to receive: 200 with no body, then 401
    statuses = [200, 401];
    expect(await dispatcher.intentToReceive('http://receiver/hook')).toEqual({
      ok: true,
      correctlySigned: 200,
      incorrectlySigned: 401,
    });
    expect(dispatcher.listSubscriptions()).toEqual([
      { url: 'http://receiver/hook', status: 'OK' },
    ]);
  });
});
