#!/usr/bin/env node
// @ts-check
/**
 * Moves dead-lettered messages back to their queue once the cause is fixed.
 *
 *   node tools/replay-dlq.js <queue> [--limit N] [--dry-run]
 *   e.g. node tools/replay-dlq.js xero-sync.customer-changed --limit 100
 *
 * Reads `<queue>.dlq` one message at a time, shows why it was dead-lettered, republishes it to
 * `<queue>` with the same properties (messageId, correlation id) and acks it only after the broker
 * confirmed the republish, so a crash part-way loses nothing. Consumers deduplicate by event id.
 */
const amqp = require('amqplib');

async function main() {
  const args = process.argv.slice(2);
  const queue = args.find((a) => !a.startsWith('--'));
  if (!queue) {
    console.error('usage: node tools/replay-dlq.js <queue> [--limit N] [--dry-run]');
    process.exit(2);
  }
  const limitAt = args.indexOf('--limit');
  const limit = limitAt >= 0 ? Number(args[limitAt + 1]) : Infinity;
  const dryRun = args.includes('--dry-run');
  const url = process.env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
  const conn = await amqp.connect(url);
  conn.on('error', () => undefined); // reported through the failing call below
  const ch = await conn.createConfirmChannel();
  ch.on('error', () => undefined);
  const dlq = `${queue}.dlq`;
  const { messageCount } = await ch.checkQueue(dlq);
  console.log(`${dlq}: ${messageCount} message(s)${dryRun ? ' (dry run: nothing is moved)' : ''}`);
  let moved = 0;
  while (moved < Math.min(limit, messageCount)) {
    const msg = await ch.get(dlq, { noAck: false });
    if (!msg) break;
    const headers = { ...msg.properties.headers };
    console.log(`- ${msg.properties.messageId ?? '(no id)'} ${headers['x-original-routing-key'] ?? ''}: ${headers['x-death-reason'] ?? ''}`);
    if (dryRun) {
      moved++; // left unacked: closing the channel puts every one back
      continue;
    }
    delete headers['x-death'];
    delete headers['x-death-reason'];
    headers['x-replayed-at'] = new Date().toISOString();
    ch.sendToQueue(queue, msg.content, { ...msg.properties, headers, persistent: true });
    await ch.waitForConfirms();
    ch.ack(msg);
    moved++;
  }
  console.log(`${dryRun ? 'would replay' : 'replayed'} ${moved} message(s) to ${queue}`);
  await ch.close();
  await conn.close();
}

main().catch((err) => {
  console.error(err.message);
  process.exit(1);
});
