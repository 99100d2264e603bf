import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { AmqpClient } from '@pos/messaging';
import { Model } from 'mongoose';
import { randomUUID } from 'node:crypto';
import { DocumentLocks } from '@pos/service-kit';
import { CUSTOMERS_CONFIG } from '../config/config.module';
import { CustomersConfig } from '../config/customers.config';
import { CUSTOMERS, CustomerDoc, OutboxEntry, customerLockKey } from '../customers/schemas/customer.schema';
import { IMPORT_JOBS, ImportJobDoc, importLockKey } from '../imports/schemas/import.schema';
import { MetricsService } from '../metrics/metrics.service';

const LOCK_MS = 30_000;
/** Customers with waiting entries looked up per query (one query, then one claim each). */
const BATCH = 50;
/** Customers published at the same time; each customer's own entries still go out one by one, in order. */
const PARALLEL = 8;

/** The fields a document with an embedded outbox has (customers, import jobs). */
type OutboxDoc = Pick<CustomerDoc, '_id' | 'outbox' | 'outboxSeq' | 'outboxAt' | 'relayLock'>;

/** A collection whose documents carry an outbox, and the DocumentLocks key their writers take. */
interface OutboxSource {
  model: Model<OutboxDoc>;
  lockKey: (id: string) => string;
}

/**
 * Publishes the events waiting in customers' outboxes, with publisher confirms, and removes each
 * entry only after the broker confirmed it. Guarantees:
 * - never lost: an entry leaves the document only after its confirm (a crash before that republishes
 *   it: at-least-once, consumers deduplicate by eventId);
 * - per-customer order: one relay at a time holds a customer's relay lock and publishes its entries in
 *   order (the lock is taken and released under the customer's DocumentLocks lock, like every write);
 * - several relays (service instances) share the work without publishing the same entry concurrently;
 *   a lock left by a crashed relay expires after LOCK_MS.
 */
@Injectable()
export class OutboxRelay implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(OutboxRelay.name);
  readonly owner = randomUUID();
  private running = false;
  private loop?: Promise<void>;
  private wake?: () => void;

  /** TODO(merge): the generic outbox library relays every collection with an embedded outbox; until then, these two. */
  private readonly sources: OutboxSource[];

  constructor(
    @InjectModel(CUSTOMERS) customers: Model<CustomerDoc>,
    @InjectModel(IMPORT_JOBS) imports: Model<ImportJobDoc>,
    private readonly amqp: AmqpClient,
    private readonly locks: DocumentLocks,
    private readonly metrics: MetricsService,
    @Inject(CUSTOMERS_CONFIG) private readonly config: CustomersConfig,
  ) {
    this.sources = [
      { model: customers as unknown as Model<OutboxDoc>, lockKey: customerLockKey },
      { model: imports as unknown as Model<OutboxDoc>, lockKey: importLockKey },
    ];
  }

  onApplicationBootstrap() {
    this.start();
  }

  /** Stops before the broker connection and the database close (those go in onApplicationShutdown). */
  async beforeApplicationShutdown() {
    await this.stop();
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

  /** Publishes until no document has a waiting entry; returns how many entries went out. */
  async drain(): Promise<number> {
    let total = 0;
    for (const source of this.sources) total += await this.drainSource(source);
    return total;
  }

  private async drainSource(source: OutboxSource): Promise<number> {
    let total = 0;
    for (;;) {
      const ids = await this.waiting(source, new Date());
      if (!ids.length) return total;
      let claimed = 0;
      let next = 0;
      const worker = async () => {
        while (next < ids.length && this.amqp.isConnected()) {
          const doc = await this.claim(source, ids[next++]);
          if (!doc) continue;
          claimed++;
          total += await this.publishClaimed(source, doc);
        }
      };
      await Promise.all(Array.from({ length: Math.min(PARALLEL, ids.length) }, worker));
      if (!claimed || !this.amqp.isConnected()) return total;
    }
  }

  private async run() {
    while (this.running) {
      let published = 0;
      try {
        if (this.amqp.isConnected()) published = await this.drain();
      } catch (err) {
        this.logger.warn(`outbox relay: ${(err as Error).message}; will retry`);
      }
      if (!published) await this.sleep(this.config.OUTBOX_POLL_MS);
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

  /** The condition for a customer whose entries a relay may take now. */
  private claimable(now: Date) {
    return { outboxAt: { $ne: null, $lte: now }, $or: [{ relayLock: null }, { 'relayLock.until': { $lt: now } }] };
  }

  /** Customers with waiting entries and no live relay lock, oldest first. */
  private async waiting(source: OutboxSource, now: Date): Promise<string[]> {
    const docs = await source.model.find(this.claimable(now), { _id: 1 }).sort({ outboxAt: 1 }).limit(BATCH).lean<{ _id: string }[]>().exec();
    return docs.map((d) => d._id);
  }

  /**
   * Takes the relay lock of customer `id` if it is still free (or expired) and has waiting entries.
   * Done under the customer's document lock, so two relays never both take it; a customer whose
   * document is being written just now is left for the next round.
   */
  private async claim(source: OutboxSource, id: string): Promise<OutboxDoc | null> {
    const claimed = await this.locks.tryRun(source.lockKey(id), async () => {
      const now = new Date();
      const doc = await source.model.findById(id).lean<OutboxDoc>().exec();
      const free = !doc?.relayLock || new Date(doc.relayLock.until) < now;
      if (!doc || !doc.outboxAt || !doc.outbox?.length || !free) return null;
      const relayLock = { owner: this.owner, until: new Date(now.getTime() + LOCK_MS) };
      const r = await source.model.updateOne(this.locks.conditional(id, this.claimable(now)), { $set: { relayLock } }).exec();
      return r.matchedCount ? { ...doc, relayLock } : null;
    });
    return claimed ?? null;
  }

  private async publishClaimed(source: OutboxSource, doc: OutboxDoc): Promise<number> {
    const published = new Set<string>();
    try {
      for (const entry of doc.outbox) {
        await this.publish(entry);
        published.add(entry.eventId);
      }
    } finally {
      await this.complete(source, doc._id, published);
    }
    return published.size;
  }

  private async publish(entry: OutboxEntry) {
    await this.amqp.publish(entry.routingKey, entry.body, { messageId: entry.eventId, correlationId: entry.correlationId });
    this.metrics.eventsPublished.inc({ routing_key: entry.routingKey });
  }

  /**
   * Removes the published entries and releases the relay lock (if it is still ours: a relay that
   * outlived its lock must not free another relay's). Writers may have appended meanwhile; where
   * the server's conditional updates are atomic this is a compare-and-set on outboxSeq ($pull with
   * a condition is not available on every MongoDB-compatible server), retried on a fresh read.
   */
  private async complete(source: OutboxSource, id: string, published: Set<string>) {
    await this.locks.run(source.lockKey(id), async () => {
      for (let attempt = 0; attempt < 20; attempt++) {
        const doc = await source.model.findById(id).lean<OutboxDoc>().exec();
        if (!doc) return;
        const remaining = doc.outbox.filter((e) => !published.has(e.eventId));
        const set: Record<string, unknown> = { outbox: remaining };
        if (doc.relayLock?.owner === this.owner) set['relayLock'] = null;
        if (!remaining.length) set['outboxAt'] = null;
        else if (remaining.length < doc.outbox.length) set['outboxAt'] = remaining[0].createdAt;
        const r = await source.model.updateOne(this.locks.conditional(id, { outboxSeq: doc.outboxSeq }), { $set: set }).exec();
        if (r.matchedCount) return;
      }
      this.logger.warn(`outbox relay: document ${id} kept changing; its published entries stay until the lock expires`);
    });
  }
}
