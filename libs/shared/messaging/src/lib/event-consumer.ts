import * as amqp from 'amqplib';
import { EVENTS_EXCHANGE } from '@pos/sync-contracts';
import { AmqpClient } from './amqp-client';

/** A failure that retrying cannot fix: the message goes straight to the dead-letter queue. */
export class PermanentFailure extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PermanentFailure';
  }
}

export interface InboundMessage {
  routingKey: string;
  body: unknown;
  messageId?: string;
  correlationId?: string;
  headers: Record<string, unknown>;
  /** 1 on first delivery, then counts the retries. */
  attempt: number;
}

export interface ConsumerOptions {
  queue: string;
  routingKeys: string[];
  handler: (msg: InboundMessage) => Promise<void>;
  prefetch?: number;
  /** Deliveries before a message that keeps failing is dead-lettered. */
  maxAttempts?: number;
  /** Wait before a failed message comes back. */
  retryDelayMs?: number;
  /** Lets the broker delete the queues after this long unused (tests and throwaway environments). */
  expiresMs?: number;
}

/** Queue names that go with a consumer queue. */
export function queueNames(queue: string) {
  return { main: queue, retry: `${queue}.retry`, dead: `${queue}.dlq` };
}

/**
 * Declares a consumer's queues and consumes with manual acks:
 * - `<q>` bound to the routing keys on `pos.events`; a rejected message is dead-lettered to `<q>.retry`;
 * - `<q>.retry` holds it for `retryDelayMs`, then dead-letters it back to `<q>`;
 * - `<q>.dlq` keeps what cannot be parsed or keeps failing, with the reason in `x-death-reason`.
 * The message is acked only after the handler resolved, i.e. after its effect is durable.
 */
export async function consumeEvents(client: AmqpClient, opts: ConsumerOptions): Promise<void> {
  const names = queueNames(opts.queue);
  const maxAttempts = opts.maxAttempts ?? 5;
  const retryDelayMs = opts.retryDelayMs ?? 5_000;

  await client.onConnect(async (conn: amqp.ChannelModel) => {
    const ch = await conn.createChannel();
    ch.on('error', (err: Error) => client.logger.warn('consumer channel error', { queue: names.main, error: err.message }));
    await ch.assertExchange(EVENTS_EXCHANGE, 'topic', { durable: true });
    const expires = opts.expiresMs ? { 'x-expires': opts.expiresMs } : {};
    await ch.assertQueue(names.dead, { durable: true, arguments: { ...expires } });
    await ch.assertQueue(names.retry, {
      durable: true,
      arguments: { ...expires, 'x-message-ttl': retryDelayMs, 'x-dead-letter-exchange': '', 'x-dead-letter-routing-key': names.main },
    });
    await ch.assertQueue(names.main, {
      durable: true,
      arguments: { ...expires, 'x-dead-letter-exchange': '', 'x-dead-letter-routing-key': names.retry },
    });
    for (const key of opts.routingKeys) await ch.bindQueue(names.main, EVENTS_EXCHANGE, key);
    await ch.prefetch(opts.prefetch ?? 10);

    await ch.consume(names.main, (raw) => {
      if (!raw) return; // cancelled by the broker; the reconnect will subscribe again
      void handle(ch, raw);
    });
  });

  async function deadLetter(ch: amqp.Channel, raw: amqp.ConsumeMessage, reason: string): Promise<void> {
    const headers = { ...raw.properties.headers, 'x-death-reason': reason.slice(0, 1000), 'x-original-routing-key': raw.fields.routingKey };
    await client.sendToQueue(names.dead, raw.content, { ...raw.properties, headers, persistent: true });
    ch.ack(raw);
    client.logger.error('message dead-lettered', { queue: names.main, messageId: raw.properties.messageId, reason });
  }

  async function handle(ch: amqp.Channel, raw: amqp.ConsumeMessage): Promise<void> {
    const headers = (raw.properties.headers ?? {}) as Record<string, unknown>;
    const attempt = 1 + retriesSoFar(headers, names.main);
    let body: unknown;
    try {
      body = JSON.parse(raw.content.toString('utf8'));
    } catch {
      await deadLetter(ch, raw, 'body is not valid JSON').catch(() => ch.nack(raw, false, true));
      return;
    }
    try {
      await opts.handler({
        routingKey: raw.fields.routingKey,
        body,
        messageId: raw.properties.messageId,
        correlationId: raw.properties.correlationId ?? (headers['x-correlation-id'] as string | undefined),
        headers,
        attempt,
      });
      ch.ack(raw);
    } catch (err) {
      const reason = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
      if (err instanceof PermanentFailure || isContractViolation(err) || attempt >= maxAttempts) {
        await deadLetter(ch, raw, reason).catch(() => ch.nack(raw, false, false));
      } else {
        client.logger.warn('handler failed; will retry', { queue: names.main, messageId: raw.properties.messageId, attempt, reason });
        ch.nack(raw, false, false); // to <q>.retry, back after the delay
      }
    }
  }
}

function isContractViolation(err: unknown): boolean {
  return err instanceof Error && err.name === 'ContractViolation';
}

/** How many times this message went through `<queue>` and was rejected, from RabbitMQ's x-death header. */
function retriesSoFar(headers: Record<string, unknown>, queue: string): number {
  const deaths = headers['x-death'];
  if (!Array.isArray(deaths)) return 0;
  const entry = deaths.find((d: { queue?: string; reason?: string }) => d.queue === queue && d.reason === 'rejected');
  return entry ? Number(entry.count ?? 0) : 0;
}
