import { CustomerChanged, CustomerChangedV1, EVENTS_EXCHANGE, buildEvent, parseEvent } from '@pos/sync-contracts';
import { eventually, testInfra, uniqueName } from '@pos/testing';
import * as amqp from 'amqplib';
import * as net from 'node:net';
import { AmqpClient } from './amqp-client';
import { InboundMessage, PermanentFailure, consumeEvents, queueNames } from './event-consumer';

/** Against the real broker: publish with confirms, consume with manual acks, retry, dead-letter. */
describe('messaging over a real broker', () => {
  const { amqpUrl } = testInfra();
  let client: AmqpClient;
  let probe: amqp.ChannelModel;

  beforeAll(async () => {
    // Dead-lettering is expected here: keep its error log out of the test output.
    const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };
    client = new AmqpClient({ url: amqpUrl, connectionName: 'messaging-spec', logger: quiet });
    await client.start();
    probe = await amqp.connect(amqpUrl);
  });
  afterAll(async () => {
    await client.close();
    await probe.close();
  });

  const changed = (retailerId: string) =>
    buildEvent(CustomerChanged, retailerId, {
      customerId: 'c-1',
      customerVersion: 1,
      reason: 'created',
      changedFields: ['firstName'],
      snapshot: { id: 'c-1', firstName: 'Ada' },
    });

  async function deadLetters(queue: string): Promise<amqp.GetMessage[]> {
    const ch = await probe.createChannel();
    const out: amqp.GetMessage[] = [];
    for (;;) {
      const m = await ch.get(queueNames(queue).dead, { noAck: true });
      if (!m) break;
      out.push(m);
    }
    await ch.close();
    return out;
  }

  it("delivers the producer's event through the consumer's validation (contract)", async () => {
    const queue = uniqueName('spec.contract');
    const retailerId = uniqueName('retailer');
    const got: CustomerChangedV1[] = [];
    await consumeEvents(client, {
      expiresMs: 60_000,
      queue,
      routingKeys: [CustomerChanged.routingKey],
      handler: async (m) => {
        const e = parseEvent(CustomerChanged, m.body);
        if (e.retailerId === retailerId) got.push(e);
      },
    });
    const event = changed(retailerId);
    await client.publish(CustomerChanged.routingKey, event, { messageId: event.eventId, correlationId: 'corr-1' });
    await eventually(() => got.length === 1, { what: 'the event' });
    expect(got[0]).toMatchObject({ eventId: event.eventId, snapshot: { id: 'c-1', firstName: 'Ada' } });
  });

  it('sets messageId, persistence, content type and the correlation header', async () => {
    const queue = uniqueName('spec.props');
    const seen: InboundMessage[] = [];
    await consumeEvents(client, { expiresMs: 60_000, queue, routingKeys: ['spec.props.v1'], handler: async (m) => void seen.push(m) });
    await client.publish('spec.props.v1', { hello: 1 }, { messageId: 'm-1', correlationId: 'corr-7' });
    await eventually(() => seen.length === 1, { what: 'the message' });
    expect(seen[0]).toMatchObject({ messageId: 'm-1', correlationId: 'corr-7', body: { hello: 1 }, attempt: 1 });
  });

  it('dead-letters what it cannot parse, with the reason, instead of requeueing it forever', async () => {
    const queue = uniqueName('spec.garbage');
    let calls = 0;
    await consumeEvents(client, { expiresMs: 60_000, queue, routingKeys: ['spec.garbage.v1'], handler: async () => void calls++ });
    const ch = await probe.createChannel();
    ch.publish(EVENTS_EXCHANGE, 'spec.garbage.v1', Buffer.from('{not json'), { messageId: 'bad-1' });
    await ch.close();
    const dead = await eventually(async () => {
      const d = await deadLetters(queue);
      return d.length ? d : undefined;
    }, { what: 'the dead letter' });
    expect(dead[0].properties.headers?.['x-death-reason']).toMatch(/not valid JSON/);
    expect(calls).toBe(0);
  });

  it('dead-letters a contract violation at once', async () => {
    const queue = uniqueName('spec.contract-violation');
    let calls = 0;
    await consumeEvents(client, {
      expiresMs: 60_000,
      queue,
      routingKeys: ['spec.violation.v1'],
      handler: async (m) => {
        calls++;
        parseEvent(CustomerChanged, m.body);
      },
    });
    await client.publish('spec.violation.v1', { type: 'customer.changed', schemaVersion: 1 }, { messageId: 'v-1' });
    const dead = await eventually(async () => {
      const d = await deadLetters(queue);
      return d.length ? d : undefined;
    }, { what: 'the dead letter' });
    expect(String(dead[0].properties.headers?.['x-death-reason'])).toMatch(/ContractViolation: customer\.changed\.v1 does not match/);
    expect(calls).toBe(1);
  });

  it('retries a failing handler after a delay, then succeeds', async () => {
    const queue = uniqueName('spec.retry');
    const attempts: number[] = [];
    await consumeEvents(client, {
      expiresMs: 60_000,
      queue,
      routingKeys: ['spec.retry.v1'],
      retryDelayMs: 100,
      handler: async (m) => {
        attempts.push(m.attempt);
        if (m.attempt < 3) throw new Error('database away');
      },
    });
    await client.publish('spec.retry.v1', { n: 1 }, { messageId: 'r-1' });
    await eventually(() => attempts.length === 3, { what: 'three attempts' });
    expect(attempts).toEqual([1, 2, 3]);
    expect(await deadLetters(queue)).toHaveLength(0);
  });

  it('dead-letters after the last attempt, and a permanent failure at once', async () => {
    const queue = uniqueName('spec.give-up');
    const attempts: Record<string, number> = {};
    await consumeEvents(client, {
      expiresMs: 60_000,
      queue,
      routingKeys: ['spec.give-up.v1'],
      retryDelayMs: 50,
      maxAttempts: 3,
      handler: async (m) => {
        const id = m.messageId ?? '';
        attempts[id] = (attempts[id] ?? 0) + 1;
        if (id === 'permanent') throw new PermanentFailure('Xero will never take this');
        throw new Error('still failing');
      },
    });
    await client.publish('spec.give-up.v1', {}, { messageId: 'transient' });
    await client.publish('spec.give-up.v1', {}, { messageId: 'permanent' });
    const dead: amqp.GetMessage[] = [];
    await eventually(async () => {
      dead.push(...(await deadLetters(queue)));
      return dead.length === 2;
    }, { what: 'two dead letters' });
    expect(attempts).toEqual({ transient: 3, permanent: 1 });
    const reasons = Object.fromEntries(dead.map((d) => [d.properties.messageId, String(d.properties.headers?.['x-death-reason'])]));
    expect(reasons['permanent']).toMatch(/PermanentFailure: Xero will never take this/);
    expect(reasons['transient']).toMatch(/still failing/);
  });

  it('declares quorum queues by default and classic ones when told (QUEUE_TYPE=classic)', async () => {
    const quorum = uniqueName('spec.quorum');
    const classic = uniqueName('spec.classic');
    const handler = async () => undefined;
    await consumeEvents(client, { expiresMs: 60_000, queue: quorum, routingKeys: ['spec.quorum.v1'], handler });
    await consumeEvents(client, { expiresMs: 60_000, queue: classic, routingKeys: ['spec.classic.v1'], handler, queueType: 'classic' });
    /** The broker refuses to redeclare a queue as another type, naming the argument: that tells the type. */
    const typeRefused = async (name: string, otherType: 'quorum' | 'classic') => {
      const ch = await probe.createChannel();
      ch.on('error', () => undefined);
      try {
        await ch.assertQueue(name, { durable: true, arguments: { 'x-queue-type': otherType, 'x-expires': 60_000 } });
        return 'accepted';
      } catch (err) {
        return /PRECONDITION_FAILED - inequivalent arg 'x-queue-type'/.test((err as Error).message) ? 'refused' : String(err);
      } finally {
        await ch.close().catch(() => undefined);
      }
    };
    // the dead-letter queue has no other arguments that could differ
    expect(await typeRefused(queueNames(quorum).dead, 'classic')).toBe('refused');
    expect(await typeRefused(queueNames(classic).dead, 'quorum')).toBe('refused');
  });

  it('consumes again after the broker connection drops: it reconnects and declares and subscribes anew', async () => {
    // a TCP proxy in front of the broker lets the test cut the consumer's connection and restore it
    const target = new URL(amqpUrl);
    const sockets = new Set<net.Socket>();
    const proxy = net.createServer((c) => {
      const up = net.connect(Number(target.port || 5672), target.hostname);
      for (const s of [c, up]) {
        sockets.add(s);
        s.on('close', () => sockets.delete(s));
        s.on('error', () => (c.destroy(), up.destroy()));
      }
      c.pipe(up);
      up.pipe(c);
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', () => resolve()));
    const via = new URL(amqpUrl);
    via.hostname = '127.0.0.1';
    via.port = String((proxy.address() as net.AddressInfo).port);
    const logged: string[] = [];
    const logger = { info: (m: string) => void logged.push(m), warn: (m: string) => void logged.push(m), error: (m: string) => void logged.push(m) };
    const consumer = new AmqpClient({ url: via.toString(), connectionName: 'reconnect-spec', logger, maxReconnectDelayMs: 500 });
    try {
      await consumer.start();
      const queue = uniqueName('spec.reconnect');
      const got: unknown[] = [];
      await consumeEvents(consumer, { expiresMs: 60_000, queue, routingKeys: ['spec.reconnect.v1'], handler: async (m) => void got.push(m.body) });
      await client.publish('spec.reconnect.v1', { n: 1 }, { messageId: 'before' });
      await eventually(() => got.length === 1, { what: 'the message before the drop' });

      for (const s of sockets) s.destroy(); // the broker connection drops
      await eventually(() => logged.includes('broker connection lost; reconnecting'), { what: 'the drop to be noticed' });
      await eventually(() => logged.filter((m) => m === 'connected to the broker').length === 2, { what: 'the reconnect' });
      const ch = await probe.createChannel();
      await eventually(async () => ((await ch.checkQueue(queue)).consumerCount === 1 ? true : undefined), { what: 'the consumer to subscribe again' });
      await ch.close();
      await client.publish('spec.reconnect.v1', { n: 2 }, { messageId: 'after' });
      await eventually(() => got.length === 2, { what: 'the message after the reconnect' });
      expect(got).toEqual([{ n: 1 }, { n: 2 }]);
    } finally {
      await consumer.close();
      await new Promise<void>((resolve) => proxy.close(() => resolve()));
    }
  });

  it('refuses to publish while disconnected, so the caller keeps the event (outbox)', async () => {
    const offline = new AmqpClient({ url: amqpUrl, connectionName: 'offline-spec' });
    await expect(offline.publish('x.v1', {}, { messageId: 'x' })).rejects.toThrow(/not connected/);
  });
});
