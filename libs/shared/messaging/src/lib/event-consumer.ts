import * as amqp from 'amqplib';
import { AmqpClient } from './amqp-client';
import { HEADERS, QueueType, attemptOf, declareTopology, originalRoutingKey, queueNames } from './queue-topology';

export { queueNames } from './queue-topology';

const REQUEUE_PAUSE_MS = 1_000;

/** A failure that retrying cannot fix: the message goes straight to the dead-letter queue. */
export class PermanentFailure extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PermanentFailure';
  }
}

export interface InboundMessage {
  /** The routing key the message was published with, whichever queue it came back through. */
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
  routingKeys: readonly string[];
  handler: (msg: InboundMessage) => Promise<void>;
  prefetch?: number;
  /** Deliveries before a message that keeps failing is dead-lettered. */
  maxAttempts?: number;
  /** Wait before a failed message comes back. */
  retryDelayMs?: number;
  /** Lets the broker delete the queues after this long unused (tests and throwaway environments). */
  expiresMs?: number;
  /** Quorum (default) or classic queues. */
  queueType?: QueueType;
}

/**
 * Declares a consumer's queues (see declareTopology) and consumes with manual acks. The message is
 * acked only after the handler resolved, i.e. after its effect is durable. A failed message is
 * copied to `<q>.retry` with its original routing key and the next attempt number in its headers
 * (publisher-confirmed, then acked), and comes back to `<q>` after the delay; after the last
 * attempt, or at once when it is not JSON or the handler says retrying cannot help
 * (PermanentFailure, ContractViolation), it goes to `<q>.dlq` with the reason in `x-death-reason`.
 */
export async function consumeEvents(client: AmqpClient, opts: ConsumerOptions): Promise<void> {
  const names = queueNames(opts.queue);
  const maxAttempts = opts.maxAttempts ?? 5;
  const retryDelayMs = opts.retryDelayMs ?? 5_000;

  await client.onConnect(async (conn: amqp.ChannelModel) => {
    const ch = await conn.createChannel();
    ch.on('error', (err: Error) => client.logger.warn('consumer channel error', { queue: names.main, error: err.message }));
    await declareTopology(ch, { queue: opts.queue, routingKeys: opts.routingKeys, queueType: opts.queueType, retryDelayMs, expiresMs: opts.expiresMs });
    await ch.prefetch(opts.prefetch ?? 10);
    await ch.consume(names.main, (raw) => {
      if (!raw) return; // cancelled by the broker; the reconnect will subscribe again
      void handle(ch, raw);
    });
  });

  /** Moves a copy elsewhere with extra headers, then acks the delivery; on failure hands it back to the queue. */
  async function move(ch: amqp.Channel, raw: amqp.ConsumeMessage, to: string, headers: Record<string, unknown>): Promise<void> {
    try {
      await client.sendToQueue(to, raw.content, { ...raw.properties, headers, persistent: true });
    } catch (err) {
      client.logger.warn('could not move the message; it goes back to the queue', { queue: names.main, to, error: (err as Error).message });
      // a pause, so a broker that refuses publishes does not turn into a hot redelivery loop
      setTimeout(() => {
        try {
          ch.nack(raw, false, true);
        } catch {
          /* channel gone: the broker requeues unacked messages itself */
        }
      }, REQUEUE_PAUSE_MS).unref();
      return;
    }
    ack(ch, raw);
  }

  /** The delivery's headers for its copy: the original routing key kept, the broker's delivery count (quorum) left to the broker. */
  function baseHeaders(raw: amqp.ConsumeMessage): Record<string, unknown> {
    const { 'x-delivery-count': _count, ...headers } = (raw.properties.headers ?? {}) as Record<string, unknown>;
    return { ...headers, [HEADERS.originalRoutingKey]: originalRoutingKey(raw) };
  }

  async function deadLetter(ch: amqp.Channel, raw: amqp.ConsumeMessage, reason: string): Promise<void> {
    await move(ch, raw, names.dead, { ...baseHeaders(raw), [HEADERS.deathReason]: reason.slice(0, 1000) });
    client.logger.error('message dead-lettered', { queue: names.main, routingKey: originalRoutingKey(raw), messageId: raw.properties.messageId, reason });
  }

  async function retry(ch: amqp.Channel, raw: amqp.ConsumeMessage, attempt: number, reason: string): Promise<void> {
    client.logger.warn('handler failed; will retry', { queue: names.main, messageId: raw.properties.messageId, attempt, reason });
    await move(ch, raw, names.retry, { ...baseHeaders(raw), [HEADERS.attempt]: attempt + 1, [HEADERS.lastError]: reason.slice(0, 1000) });
  }

  async function handle(ch: amqp.Channel, raw: amqp.ConsumeMessage): Promise<void> {
    const headers = (raw.properties.headers ?? {}) as Record<string, unknown>;
    const attempt = attemptOf(raw);
    let body: unknown;
    try {
      body = JSON.parse(raw.content.toString('utf8'));
    } catch {
      await deadLetter(ch, raw, 'body is not valid JSON');
      return;
    }
    let failure: { err: unknown } | undefined;
    try {
      await opts.handler({
        routingKey: originalRoutingKey(raw),
        body,
        messageId: raw.properties.messageId,
        correlationId: raw.properties.correlationId ?? (headers['x-correlation-id'] as string | undefined),
        headers,
        attempt,
      });
    } catch (err) {
      failure = { err };
    }
    if (!failure) return ack(ch, raw);
    const reason = describe(failure.err);
    if (failure.err instanceof PermanentFailure || isContractViolation(failure.err) || attempt >= maxAttempts) await deadLetter(ch, raw, reason);
    else await retry(ch, raw, attempt, reason);
  }
}

/** Acks; a channel that closed meanwhile has already handed the message back (it comes again, deduplicated). */
function ack(ch: amqp.Channel, raw: amqp.ConsumeMessage): void {
  try {
    ch.ack(raw);
  } catch {
    /* channel gone */
  }
}

function describe(err: unknown): string {
  if (err instanceof Error) return `${err.name}: ${err.message}`;
  if (typeof err === 'object' && err !== null && 'message' in err) return String((err as { message: unknown }).message);
  return String(err);
}

function isContractViolation(err: unknown): boolean {
  return err instanceof Error && err.name === 'ContractViolation';
}
