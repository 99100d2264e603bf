#!/usr/bin/env node
// @ts-check
/**
 * Moves dead-lettered messages back to their queue once the cause is fixed.
 *
 *   node tools/replay-dlq.js <queue> [--limit N] [--dry-run]
 *   e.g. node tools/replay-dlq.js xero-sync.customer-changed --limit 100
 *
 * Reads `<queue>.dlq` one message at a time, shows why it was dead-lettered, and republishes it to
 * `<queue>` with the same properties (messageId, correlation id) and its original routing key in
 * `x-original-routing-key`, which the consumer dispatches by; the attempt count starts again. It
 * goes to the service's own queue rather than back through the `pos.events` exchange because the
 * exchange would hand a copy to every other service bound to that key as well. Each message is
 * acked only after the broker confirmed the republish, so a crash part-way loses nothing;
 * consumers deduplicate by event id.
 */
const amqp = require('amqplib');

const ORIGINAL_ROUTING_KEY = 'x-original-routing-key';
/** Headers that describe the failed life of the message, dropped on replay. */
const DROPPED_ON_REPLAY = [
  'x-death',
  'x-death-reason',
  'x-attempt',
  'x-last-error',
  'x-delivery-count',
  'x-first-death-queue',
  'x-first-death-reason',
  'x-first-death-exchange',
];

/**
 * The routing key the message was first published with: the transport's header, else (a message
 * dead-lettered by the broker, or by an older version) the key RabbitMQ recorded when the message
 * first left `<queue>` (x-death), else the routing key it arrived with.
 * @param {import('amqplib').GetMessage} msg
 * @param {string} queue
 */
function originalRoutingKey(msg, queue) {
  const headers = msg.properties.headers ?? {};
  const own = headers[ORIGINAL_ROUTING_KEY];
  if (typeof own === 'string' && own && !isOwnQueue(own, queue)) return own;
  const deaths = Array.isArray(headers['x-death']) ? headers['x-death'] : [];
  for (const d of [...deaths].reverse()) {
    const key = Array.isArray(d?.['routing-keys']) ? d['routing-keys'][0] : undefined;
    if (typeof key === 'string' && !isOwnQueue(key, queue)) return key;
  }
  return typeof own === 'string' && own ? own : msg.fields.routingKey;
}

/** @param {string} key @param {string} queue */
function isOwnQueue(key, queue) {
  return key === queue || key === `${queue}.retry` || key === `${queue}.dlq`;
}

/**
 * Replays up to `limit` dead letters of `queue`. `dryRun` only lists them (they stay, unacked, and
 * return to the dead-letter queue when the channel closes).
 * @param {import('amqplib').ChannelModel} conn
 * @param {string} queue
 * @param {{ limit?: number, dryRun?: boolean, log?: (line: string) => void }} [opts]
 * @returns {Promise<{ count: number, replayed: { messageId?: string, routingKey: string, reason: string }[] }>}
 */
async function replayDeadLetters(conn, queue, opts = {}) {
  const log = opts.log ?? (() => undefined);
  const limit = opts.limit ?? Infinity;
  const ch = await conn.createConfirmChannel();
  ch.on('error', () => undefined); // reported through the failing call
  const dlq = `${queue}.dlq`;
  const replayed = [];
  try {
    const { messageCount } = await ch.checkQueue(dlq);
    log(`${dlq}: ${messageCount} message(s)${opts.dryRun ? ' (dry run: nothing is moved)' : ''}`);
    while (replayed.length < Math.min(limit, messageCount)) {
      const msg = await ch.get(dlq, { noAck: false });
      if (!msg) break;
      const headers = { ...msg.properties.headers };
      const routingKey = originalRoutingKey(msg, queue);
      const reason = String(headers['x-death-reason'] ?? (Array.isArray(headers['x-death']) ? `broker: ${headers['x-death'][0]?.reason}` : ''));
      log(`- ${msg.properties.messageId ?? '(no id)'} ${routingKey}: ${reason}`);
      replayed.push({ messageId: msg.properties.messageId, routingKey, reason });
      if (opts.dryRun) continue;
      for (const h of DROPPED_ON_REPLAY) delete headers[h];
      headers[ORIGINAL_ROUTING_KEY] = routingKey;
      headers['x-replayed-at'] = new Date().toISOString();
      ch.sendToQueue(queue, msg.content, { ...msg.properties, headers, persistent: true });
      await ch.waitForConfirms();
      ch.ack(msg);
    }
    log(`${opts.dryRun ? 'would replay' : 'replayed'} ${replayed.length} message(s) to ${queue}`);
    return { count: replayed.length, replayed };
  } finally {
    await ch.close().catch(() => undefined);
  }
}

async function main() {
  const args = process.argv.slice(2);
  const queue = args.find((a, i) => !a.startsWith('--') && args[i - 1] !== '--limit');
  if (!queue) {
    console.error('usage: node tools/replay-dlq.js <queue> [--limit N] [--dry-run]');
    process.exit(2);
  }
  const limitAt = args.indexOf('--limit');
  const limit = limitAt >= 0 ? Number(args[limitAt + 1]) : Infinity;
  const url = process.env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
  const conn = await amqp.connect(url);
  conn.on('error', () => undefined); // reported through the failing call below
  try {
    await replayDeadLetters(conn, queue, { limit, dryRun: args.includes('--dry-run'), log: (line) => console.log(line) });
  } finally {
    await conn.close().catch(() => undefined);
  }
}

module.exports = { replayDeadLetters, originalRoutingKey };

if (require.main === module) {
  main().catch((err) => {
    console.error(err.message);
    process.exit(1);
  });
}
