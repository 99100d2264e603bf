import { randomUUID } from 'node:crypto';
import { OutboxClaim, OutboxEntry, OutboxPublisher, OutboxStore } from './outbox';

export interface OutboxRelayOptions {
  /** How long a claim holds a document's entries; a relay that died is replaced after this. */
  lockMs?: number;
  /** Documents looked up per query. */
  batch?: number;
  /** Documents published at the same time; each document's own entries still go out one by one. */
  parallel?: number;
  /** How often an idle relay looks for waiting entries. */
  pollMs?: number;
  /** False while the publisher cannot publish (the relay then waits instead of claiming). */
  canPublish?: () => boolean;
  onPublished?: (entry: OutboxEntry) => void;
  logger?: { warn(message: string): void };
}

/**
 * Publishes what waits in an OutboxStore, with confirms, and removes an entry only after it was
 * confirmed. Guarantees, given a store that passes the contract:
 * - never lost: an entry leaves the store only after its confirm (a crash before that republishes it:
 *   at-least-once, consumers deduplicate by eventId);
 * - per-document order: one relay at a time holds a document's claim and publishes its entries in order;
 * - several relays share the work without publishing the same entry concurrently; a claim left by a
 *   crashed relay expires after `lockMs`.
 */
export class OutboxRelay {
  readonly owner = randomUUID();
  private readonly lockMs: number;
  private readonly batch: number;
  private readonly parallel: number;
  private readonly pollMs: number;
  private running = false;
  private loop?: Promise<void>;
  private wake?: () => void;

  constructor(
    private readonly store: OutboxStore,
    private readonly publisher: OutboxPublisher,
    private readonly options: OutboxRelayOptions = {},
  ) {
    this.lockMs = options.lockMs ?? 30_000;
    this.batch = options.batch ?? 50;
    this.parallel = options.parallel ?? 8;
    this.pollMs = options.pollMs ?? 500;
  }

  start() {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  async stop() {
    this.running = false;
    this.wake?.();
    await this.loop;
  }

  private canPublish() {
    return this.options.canPublish?.() ?? true;
  }

  /** Publishes until nothing claimable waits; returns how many entries went out. */
  async drain(): Promise<number> {
    let total = 0;
    for (;;) {
      const ids = await this.store.waiting(new Date(), this.batch);
      if (!ids.length) return total;
      let claimed = 0;
      let next = 0;
      const worker = async () => {
        while (next < ids.length && this.canPublish()) {
          const claim = await this.store.claim(ids[next++], this.owner, this.lockMs);
          if (!claim) continue;
          claimed++;
          total += await this.publishClaimed(claim);
        }
      };
      await Promise.all(Array.from({ length: Math.min(this.parallel, ids.length) }, worker));
      if (!claimed || !this.canPublish()) return total;
    }
  }

  private async run() {
    while (this.running) {
      let published = 0;
      try {
        if (this.canPublish()) published = await this.drain();
      } catch (err) {
        this.options.logger?.warn(`outbox relay: ${(err as Error).message}; will retry`);
      }
      if (!published) await this.sleep(this.pollMs);
    }
  }

  private sleep(ms: number) {
    return new Promise<void>((resolve) => {
      const t = setTimeout(resolve, ms);
      this.wake = () => {
        clearTimeout(t);
        resolve();
      };
    });
  }

  private async publishClaimed(claim: OutboxClaim): Promise<number> {
    const published: string[] = [];
    try {
      for (const entry of claim.entries) {
        // A claim about to run out is left to the relay that takes it next: never publish past it.
        if (Date.now() >= claim.until.getTime()) break;
        await this.publisher.publish(entry.routingKey, entry.body, { messageId: entry.eventId, correlationId: entry.correlationId });
        published.push(entry.eventId);
        this.options.onPublished?.(entry);
      }
    } finally {
      await this.store.complete(claim, published);
    }
    return published.length;
  }
}
