import { eventually, uniqueName } from '@pos/testing';
import { EVENTS_EXCHANGE, EventDefinition, EventEnvelope, Payload, buildEvent } from '@pos/sync-contracts';
import * as amqp from 'amqplib';
import * as net from 'node:net';

export interface TappedMessage {
  routingKey: string;
  body: Record<string, unknown> & { eventId: string; retailerId: string };
  messageId?: string;
  correlationId?: string;
  headers: Record<string, unknown>;
  persistent: boolean;
  contentType?: string;
}

/**
 * Listens on `pos.events` like another service would: its own exclusive queue, bound to the given
 * routing keys, collecting everything that arrives. Other suites share the exchange, so callers
 * filter by retailer.
 */
export class EventTap {
  readonly messages: TappedMessage[] = [];

  private constructor(
    private readonly conn: amqp.ChannelModel,
    private readonly channel: amqp.Channel,
  ) {}

  static async open(amqpUrl: string, routingKeys: string[] = ['#']): Promise<EventTap> {
    const conn = await amqp.connect(amqpUrl);
    const ch = await conn.createChannel();
    await ch.assertExchange(EVENTS_EXCHANGE, 'topic', { durable: true });
    const q = await ch.assertQueue(uniqueName('customers-e2e.tap'), { exclusive: true, autoDelete: true, durable: false });
    for (const key of routingKeys) await ch.bindQueue(q.queue, EVENTS_EXCHANGE, key);
    const tap = new EventTap(conn, ch);
    await ch.consume(
      q.queue,
      (m) => {
        if (!m) return;
        tap.messages.push({
          routingKey: m.fields.routingKey,
          body: JSON.parse(m.content.toString('utf8')),
          messageId: m.properties.messageId,
          correlationId: m.properties.correlationId,
          headers: (m.properties.headers ?? {}) as Record<string, unknown>,
          persistent: m.properties.deliveryMode === 2,
          contentType: m.properties.contentType,
        });
      },
      { noAck: true },
    );
    return tap;
  }

  of(retailerId: string, routingKey = 'customer.changed.v1'): TappedMessage[] {
    return this.messages.filter((m) => m.routingKey === routingKey && m.body.retailerId === retailerId);
  }

  /** Waits until the retailer's messages satisfy `accept`, and returns them. */
  waitFor(retailerId: string, accept: (msgs: TappedMessage[]) => boolean, what: string, timeoutMs = 15_000): Promise<TappedMessage[]> {
    return eventually(
      () => {
        const msgs = this.of(retailerId);
        return accept(msgs) ? msgs : undefined;
      },
      { what, timeoutMs, intervalMs: 50 },
    );
  }

  async close(): Promise<void> {
    await this.conn.close().catch(() => undefined);
  }
}

/** Publishes events the way xero-sync does: built and validated with the contracts, persistent, messageId = eventId. */
export class EventPublisher {
  private constructor(
    private readonly conn: amqp.ChannelModel,
    private readonly channel: amqp.ConfirmChannel,
  ) {}

  static async open(amqpUrl: string): Promise<EventPublisher> {
    const conn = await amqp.connect(amqpUrl);
    const ch = await conn.createConfirmChannel();
    await ch.assertExchange(EVENTS_EXCHANGE, 'topic', { durable: true });
    return new EventPublisher(conn, ch);
  }

  async publish<P extends EventEnvelope>(
    def: EventDefinition<P>,
    retailerId: string,
    payload: Payload<P>,
    opts: { eventId?: string; occurredAt?: Date } = {},
  ): Promise<P> {
    const body = buildEvent(def, retailerId, payload, opts);
    await this.raw(def.routingKey, body, body.eventId);
    return body;
  }

  /** Sends any body under a routing key (for messages that break the contract). */
  async raw(routingKey: string, body: unknown, messageId: string = globalThis.crypto.randomUUID()): Promise<void> {
    const content = Buffer.isBuffer(body) ? body : Buffer.from(JSON.stringify(body));
    this.channel.publish(EVENTS_EXCHANGE, routingKey, content, { persistent: true, contentType: 'application/json', messageId });
    await this.channel.waitForConfirms();
  }

  async close(): Promise<void> {
    await this.conn.close().catch(() => undefined);
  }
}

/** Removes a suite's durable consumer queues (and their retry and dead-letter queues) from the shared broker. */
export async function deleteQueues(amqpUrl: string, queues: string[]): Promise<void> {
  let conn: amqp.ChannelModel | undefined;
  try {
    conn = await amqp.connect(amqpUrl);
    for (const q of queues) {
      for (const name of [q, `${q}.retry`, `${q}.dlq`]) {
        const ch = await conn.createChannel();
        await ch.deleteQueue(name).catch(() => undefined);
        await ch.close().catch(() => undefined);
      }
    }
  } catch {
    /* best effort */
  } finally {
    await conn?.close().catch(() => undefined);
  }
}

/** How many messages wait in a queue. */
export async function queueDepth(amqpUrl: string, queue: string): Promise<number> {
  const conn = await amqp.connect(amqpUrl);
  try {
    const ch = await conn.createChannel();
    const q = await ch.checkQueue(queue);
    return q.messageCount;
  } finally {
    await conn.close().catch(() => undefined);
  }
}

/**
 * A TCP proxy in front of the broker, so a test can take the broker away from the service (close:
 * refuse new connections and cut the open ones) and bring it back on the same port (open).
 */
export class TcpProxy {
  private server?: net.Server;
  private readonly sockets = new Set<net.Socket>();
  port = 0;

  constructor(private readonly target: { host: string; port: number }) {}

  static forAmqp(amqpUrl: string): TcpProxy {
    const u = new URL(amqpUrl);
    return new TcpProxy({ host: u.hostname, port: Number(u.port || 5672) });
  }

  /** The AMQP URL that goes through the proxy. */
  amqpUrl(original: string): string {
    const u = new URL(original);
    u.hostname = '127.0.0.1';
    u.port = String(this.port);
    return u.toString().replace(/\/$/, '');
  }

  async open(): Promise<void> {
    const server = net.createServer((client) => {
      const upstream = net.connect(this.target);
      for (const s of [client, upstream]) {
        this.sockets.add(s);
        s.on('close', () => this.sockets.delete(s));
        s.on('error', () => {
          client.destroy();
          upstream.destroy();
        });
      }
      client.pipe(upstream);
      upstream.pipe(client);
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    const addr = server.address();
    this.port = typeof addr === 'object' && addr ? addr.port : this.port;
    this.server = server;
  }

  async close(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

/** Waits until `queue` exists and has a consumer (a service's consumer is subscribed, bindings in place). */
export async function waitForConsumer(amqpUrl: string, queue: string): Promise<void> {
  const conn = await amqp.connect(amqpUrl);
  try {
    await eventually(
      async () => {
        const ch = await conn.createChannel();
        ch.on('error', () => undefined); // a missing queue closes the channel with 404
        try {
          const q = await ch.checkQueue(queue);
          return q.consumerCount > 0;
        } catch {
          return false;
        } finally {
          await ch.close().catch(() => undefined);
        }
      },
      { what: `a consumer on ${queue}`, timeoutMs: 15_000, intervalMs: 50 },
    );
  } finally {
    await conn.close().catch(() => undefined);
  }
}

/** Takes every message waiting in a queue (acking it), e.g. to look into a dead-letter queue. */
export async function drainQueue(amqpUrl: string, queue: string): Promise<amqp.GetMessage[]> {
  const conn = await amqp.connect(amqpUrl);
  try {
    const ch = await conn.createChannel();
    const out: amqp.GetMessage[] = [];
    for (;;) {
      const m = await ch.get(queue, { noAck: true });
      if (!m) return out;
      out.push(m);
    }
  } finally {
    await conn.close().catch(() => undefined);
  }
}
