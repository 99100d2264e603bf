import { INestMicroservice, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import {
  CustomerSyncFailed,
  CustomerSyncFailedV1,
  CustomerSyncSucceeded,
  CustomerSyncSucceededV1,
  EVENTS_EXCHANGE,
  XeroConnectionChanged,
  XeroConnectionChangedV1,
  buildEvent,
} from '@pos/sync-contracts';
import { eventually, testInfra, uniqueName } from '@pos/testing';
import * as amqp from 'amqplib';
import { AmqpClient } from './amqp-client';
import { AmqpEventContext, AmqpEventServer, EventsController } from './event-server';
import { PermanentFailure } from './event-consumer';
import { queueNames } from './queue-topology';

// The replay logic behind `node tools/replay-dlq.js` (plain JS in tools/ so operators run it as is).
// eslint-disable-next-line @nx/enforce-module-boundaries
const { replayDeadLetters } = require('../../../../../tools/replay-dlq');

interface Seen {
  handler: string;
  eventId: string;
  routingKey: string;
  attempt: number;
  payloadIsContractClass: boolean;
}

/** What the handlers see, and how the test tells them to fail. */
const seen: Seen[] = [];
const failures = new Map<string, { times: number; error: () => Error }>();
/** What the `around` hook saw: the services run each handler in the request context of this correlation id. */
const contexts: { messageId?: string; correlationId?: string }[] = [];

function observe(handler: string, e: { eventId: string }, ctx: AmqpEventContext, cls: new () => object) {
  seen.push({ handler, eventId: e.eventId, routingKey: ctx.getRoutingKey(), attempt: ctx.getAttempt(), payloadIsContractClass: e instanceof cls });
  const f = failures.get(e.eventId);
  if (f && f.times > 0) {
    f.times--;
    throw f.error();
  }
}

@EventsController()
class ResultsController {
  @EventPattern(CustomerSyncSucceeded.routingKey)
  async onSucceeded(@Payload() e: CustomerSyncSucceededV1, @Ctx() ctx: AmqpEventContext) {
    await Promise.resolve();
    observe('succeeded', e, ctx, CustomerSyncSucceededV1);
  }

  @EventPattern(CustomerSyncFailed.routingKey)
  async onFailed(@Payload() e: CustomerSyncFailedV1, @Ctx() ctx: AmqpEventContext) {
    observe('failed', e, ctx, CustomerSyncFailedV1);
  }

  @EventPattern(XeroConnectionChanged.routingKey)
  async onConnection(@Payload() e: XeroConnectionChangedV1, @Ctx() ctx: AmqpEventContext) {
    observe('connection', e, ctx, XeroConnectionChangedV1);
  }
}

@Module({ controllers: [ResultsController] })
class ResultsModule {}

/** The transport behind every @EventPattern handler, on the real broker. */
describe('AmqpEventServer: @EventPattern handlers over a real broker', () => {
  const { amqpUrl } = testInfra();
  const queue = uniqueName('spec.events');
  const retailerId = uniqueName('retailer');
  const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };
  let client: AmqpClient;
  let app: INestMicroservice;
  let probe: amqp.ChannelModel;

  beforeAll(async () => {
    client = new AmqpClient({ url: amqpUrl, connectionName: 'event-server-spec', logger: quiet });
    await client.start();
    probe = await amqp.connect(amqpUrl);
    const strategy = new AmqpEventServer(client, {
      queue,
      retryDelayMs: 100,
      maxAttempts: 2,
      expiresMs: 60_000,
      around: (m, run) => {
        contexts.push({ messageId: m.messageId, correlationId: m.correlationId });
        return run();
      },
    });
    app = await NestFactory.createMicroservice(ResultsModule, { strategy, logger: false });
    await app.listen();
  });
  afterAll(async () => {
    await app?.close();
    await client?.close();
    await probe?.close();
  });

  const succeeded = () =>
    buildEvent(CustomerSyncSucceeded, retailerId, { customerId: uniqueName('c'), customerVersion: 1, xeroContactId: 'contact-1', pushedFields: ['email'] });
  const publish = (routingKey: string, e: { eventId: string }) => client.publish(routingKey, e, { messageId: e.eventId, correlationId: 'corr-1' });
  const seenOf = (eventId: string) => seen.filter((s) => s.eventId === eventId);

  async function takeDeadLetters(): Promise<amqp.GetMessage[]> {
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
  const deadLetter = (messageId: string) =>
    eventually(async () => (await takeDeadLetters()).find((d) => d.properties.messageId === messageId), { what: `the dead letter ${messageId}` });

  it('binds every handler of the app to one queue, and a handler that fails once is retried by the same handler', async () => {
    const flaky = succeeded();
    failures.set(flaky.eventId, { times: 1, error: () => new Error('customer locked by another writer') });
    const other = buildEvent(CustomerSyncFailed, retailerId, {
      customerId: 'c-2',
      customerVersion: 1,
      error: { kind: 'unavailable', message: 'Xero 503' },
      retrying: true,
    });
    const connected = buildEvent(XeroConnectionChanged, retailerId, { status: 'connected', tenantId: 't-1' });
    await publish(CustomerSyncSucceeded.routingKey, flaky);
    await publish(CustomerSyncFailed.routingKey, other);
    await publish(XeroConnectionChanged.routingKey, connected);

    await eventually(() => seenOf(flaky.eventId).length === 2, { what: 'the retried delivery' });
    expect(seenOf(flaky.eventId)).toEqual([
      { handler: 'succeeded', eventId: flaky.eventId, routingKey: 'customer.sync-succeeded.v1', attempt: 1, payloadIsContractClass: true },
      { handler: 'succeeded', eventId: flaky.eventId, routingKey: 'customer.sync-succeeded.v1', attempt: 2, payloadIsContractClass: true },
    ]);
    await eventually(() => seenOf(other.eventId).length === 1 && seenOf(connected.eventId).length === 1, { what: 'the other two events' });
    expect(seenOf(other.eventId)[0]).toMatchObject({ handler: 'failed', routingKey: 'customer.sync-failed.v1', attempt: 1 });
    expect(seenOf(connected.eventId)[0]).toMatchObject({ handler: 'connection', routingKey: 'xero.connection-changed.v1' });
    // every attempt runs with the correlation id the producer sent
    expect(contexts.filter((c) => c.messageId === flaky.eventId)).toEqual([
      { messageId: flaky.eventId, correlationId: 'corr-1' },
      { messageId: flaky.eventId, correlationId: 'corr-1' },
    ]);
  });

  it('dead-letters a message that keeps failing with its reason and original routing key; a replay reaches the same handler', async () => {
    const stuck = succeeded();
    failures.set(stuck.eventId, { times: 2, error: () => new Error('database away') });
    await publish(CustomerSyncSucceeded.routingKey, stuck);
    const dead = await deadLetter(stuck.eventId);
    expect(dead.properties.headers).toMatchObject({ 'x-original-routing-key': 'customer.sync-succeeded.v1', 'x-death-reason': 'Error: database away' });
    expect(dead.properties.correlationId).toBe('corr-1');
    expect(seenOf(stuck.eventId).map((s) => s.attempt)).toEqual([1, 2]);

    // put it back where the operator would find it, then replay it as `node tools/replay-dlq.js <queue>` does
    const ch = await probe.createConfirmChannel();
    ch.sendToQueue(queueNames(queue).dead, dead.content, dead.properties);
    await ch.waitForConfirms();
    await ch.close();
    const lines: string[] = [];
    const result = await replayDeadLetters(probe, queue, { log: (l: string) => lines.push(l) });
    expect(result.replayed).toEqual([{ messageId: stuck.eventId, routingKey: 'customer.sync-succeeded.v1', reason: 'Error: database away' }]);
    expect(lines.join('\n')).toContain(`${stuck.eventId} customer.sync-succeeded.v1: Error: database away`);

    await eventually(() => seenOf(stuck.eventId).length === 3, { what: 'the replayed delivery' });
    expect(seenOf(stuck.eventId)[2]).toEqual({
      handler: 'succeeded',
      eventId: stuck.eventId,
      routingKey: 'customer.sync-succeeded.v1',
      attempt: 1, // a replay starts counting again
      payloadIsContractClass: true,
    });
    expect(await takeDeadLetters()).toHaveLength(0);
  });

  it('a dead letter left by the earlier transport (its routing key rewritten to the queue name) is replayed to its original handler', async () => {
    const old = succeeded();
    // what the broker recorded when the earlier transport dead-lettered it through its retry queue
    const headers = {
      'x-original-routing-key': queue,
      'x-death-reason': 'PermanentFailure: no handler for ' + queue,
      'x-death': [
        { queue: queueNames(queue).retry, reason: 'expired', count: 1, exchange: '', 'routing-keys': [queueNames(queue).retry] },
        { queue, reason: 'rejected', count: 1, exchange: EVENTS_EXCHANGE, 'routing-keys': [CustomerSyncSucceeded.routingKey] },
      ],
    };
    const ch = await probe.createConfirmChannel();
    ch.sendToQueue(queueNames(queue).dead, Buffer.from(JSON.stringify(old)), { messageId: old.eventId, headers, persistent: true, contentType: 'application/json' });
    await ch.waitForConfirms();
    await ch.close();
    const result = await replayDeadLetters(probe, queue);
    expect(result.replayed).toEqual([{ messageId: old.eventId, routingKey: CustomerSyncSucceeded.routingKey, reason: `PermanentFailure: no handler for ${queue}` }]);
    await eventually(() => seenOf(old.eventId).length === 1, { what: 'the replayed legacy dead letter' });
    expect(seenOf(old.eventId)[0]).toMatchObject({ handler: 'succeeded', routingKey: 'customer.sync-succeeded.v1', attempt: 1 });
  });

  it('dead-letters a permanent failure at once', async () => {
    const refused = succeeded();
    failures.set(refused.eventId, { times: 9, error: () => new PermanentFailure('Xero will never take this') });
    await publish(CustomerSyncSucceeded.routingKey, refused);
    const dead = await deadLetter(refused.eventId);
    expect(dead.properties.headers?.['x-death-reason']).toBe('PermanentFailure: Xero will never take this');
    expect(seenOf(refused.eventId)).toHaveLength(1);
  });

  it('dead-letters an unparseable message at once, with its reason, without calling a handler', async () => {
    const ch = await probe.createConfirmChannel();
    ch.publish(EVENTS_EXCHANGE, CustomerSyncSucceeded.routingKey, Buffer.from('{not json'), { messageId: 'garbage-1', persistent: true });
    await ch.waitForConfirms();
    await ch.close();
    const dead = await deadLetter('garbage-1');
    expect(dead.properties.headers).toMatchObject({ 'x-death-reason': 'body is not valid JSON', 'x-original-routing-key': 'customer.sync-succeeded.v1' });
    expect(dead.properties.headers?.['x-attempt']).toBeUndefined();
  });

  it("dead-letters a contract violation at once: the event's class validates the payload before the handler runs", async () => {
    const broken = { ...succeeded(), xeroContactId: 42, pushedFields: 'email' };
    await publish(CustomerSyncSucceeded.routingKey, broken);
    const dead = await deadLetter(broken.eventId);
    expect(String(dead.properties.headers?.['x-death-reason'])).toMatch(
      /^ContractViolation: customer\.sync-succeeded\.v1 does not match its contract: .*xeroContactId.*pushedFields/,
    );
    expect(seenOf(broken.eventId)).toHaveLength(0);
  });

  it('refuses to start with a handler whose routing key has no contract', async () => {
    @EventsController()
    class StrayController {
      @EventPattern('customer.deleted.v1')
      async onDeleted() {
        /* never runs */
      }
    }
    @Module({ controllers: [StrayController] })
    class StrayModule {}
    const strategy = new AmqpEventServer(client, { queue: uniqueName('spec.stray'), expiresMs: 60_000 });
    const stray = await NestFactory.createMicroservice(StrayModule, { strategy, logger: false });
    await expect(stray.listen()).rejects.toThrow(/no event contract for @EventPattern customer\.deleted\.v1/);
    await stray.close();
  });
});
