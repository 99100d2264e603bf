import * as amqp from 'amqplib';
import { EVENTS_EXCHANGE } from '@pos/sync-contracts';

/** Quorum queues (replicated, the default) or classic queues (for a broker or policy that needs them). */
export const QUEUE_TYPES = ['quorum', 'classic'] as const;
export type QueueType = (typeof QUEUE_TYPES)[number];

/**
 * Headers the transport owns. The routing key a message was first published with travels in
 * `x-original-routing-key` once the message leaves the topic exchange (retry, dead letter, replay),
 * because moving it between a service's own queues gives it the queue's name as routing key.
 */
export const HEADERS = {
  originalRoutingKey: 'x-original-routing-key',
  /** The delivery attempt this copy is (1 when absent: straight from the exchange). */
  attempt: 'x-attempt',
  deathReason: 'x-death-reason',
  lastError: 'x-last-error',
  replayedAt: 'x-replayed-at',
} as const;

/**
 * How many times a message may be handed back to the queue without an ack (a consumer that
 * crashed or lost its connection mid-handler) before a quorum queue dead-letters it. Handler
 * failures do not count here: they are retried through `<q>.retry` and counted in `x-attempt`.
 */
export const DELIVERY_LIMIT = 20;

/** Queue names that go with a consumer queue. */
export function queueNames(queue: string) {
  return { main: queue, retry: `${queue}.retry`, dead: `${queue}.dlq` };
}

export interface TopologyOptions {
  queue: string;
  routingKeys: readonly string[];
  queueType?: QueueType;
  retryDelayMs: number;
  /** Lets the broker delete the queues after this long unused (tests and throwaway environments). */
  expiresMs?: number;
}

/**
 * Declares a consumer's three queues (durable; quorum unless told otherwise) and binds `<q>` to the
 * routing keys on `pos.events`:
 * - `<q>`: what the service consumes. A message rejected without requeue, or (quorum) handed back
 *   more than DELIVERY_LIMIT times, is dead-lettered by the broker to `<q>.dlq`, so nothing is dropped;
 * - `<q>.retry`: failed messages wait here `retryDelayMs`, then the broker moves them back to `<q>`
 *   (at-least-once dead-lettering on quorum queues, so a retry survives a leader change);
 * - `<q>.dlq`: what cannot be parsed, breaks its contract or keeps failing.
 */
export async function declareTopology(ch: amqp.Channel, opts: TopologyOptions): Promise<void> {
  const names = queueNames(opts.queue);
  const quorum = (opts.queueType ?? 'quorum') === 'quorum';
  const common = {
    // classic is the broker's default: leaving the argument out keeps queues declared before it equivalent
    ...(quorum ? { 'x-queue-type': 'quorum' } : {}),
    ...(opts.expiresMs ? { 'x-expires': opts.expiresMs } : {}),
  };
  await ch.assertExchange(EVENTS_EXCHANGE, 'topic', { durable: true });
  await ch.assertQueue(names.dead, { durable: true, arguments: common });
  await ch.assertQueue(names.retry, {
    durable: true,
    arguments: {
      ...common,
      'x-message-ttl': opts.retryDelayMs,
      'x-dead-letter-exchange': '',
      'x-dead-letter-routing-key': names.main,
      ...(quorum ? { 'x-dead-letter-strategy': 'at-least-once', 'x-overflow': 'reject-publish' } : {}),
    },
  });
  await ch.assertQueue(names.main, {
    durable: true,
    arguments: {
      ...common,
      'x-dead-letter-exchange': '',
      'x-dead-letter-routing-key': names.dead,
      ...(quorum ? { 'x-delivery-limit': DELIVERY_LIMIT } : {}),
    },
  });
  for (const key of opts.routingKeys) await ch.bindQueue(names.main, EVENTS_EXCHANGE, key);
}

/**
 * The routing key a delivered message was first published with. The header counts only on a
 * message that came through the default exchange (back from `<q>.retry`, or replayed): one
 * published on `pos.events` is routed by its own key, whatever headers its publisher copied.
 */
export function originalRoutingKey(raw: { fields: { exchange: string; routingKey: string }; properties: { headers?: Record<string, unknown> } }): string {
  const h = raw.properties.headers?.[HEADERS.originalRoutingKey];
  return raw.fields.exchange === '' && typeof h === 'string' && h ? h : raw.fields.routingKey;
}

/** Which attempt this delivery is: 1 straight from the exchange, then as counted by the transport's retries. */
export function attemptOf(raw: { fields: { exchange: string }; properties: { headers?: Record<string, unknown> } }): number {
  if (raw.fields.exchange !== '') return 1;
  const n = Number(raw.properties.headers?.[HEADERS.attempt] ?? 1);
  return Number.isInteger(n) && n >= 1 ? n : 1;
}
