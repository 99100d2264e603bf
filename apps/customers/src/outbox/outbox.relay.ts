import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { AmqpClient } from '@pos/messaging';
import { Model } from 'mongoose';
import { randomUUID } from 'node:crypto';
import { CUSTOMERS_CONFIG } from '../config/config.module';
import { CustomersConfig } from '../config/customers.config';
import { CUSTOMERS, CustomerDoc, OutboxEntry } from '../customers/schemas/customer.schema';
import { MetricsService } from '../metrics/metrics.service';

const LOCK_MS = 30_000;

/**
 * Publishes the events waiting in customers' outboxes, with publisher confirms, and removes each
 * entry only after the broker confirmed it. Guarantees:
 * - never lost: an entry leaves the document only after its confirm (a crash before that republishes
 *   it: at-least-once, consumers deduplicate by eventId);
 * - per-customer order: one relay at a time holds a customer's lock and publishes its entries in order;
 * - several relays (service instances) share the work without publishing the same entry concurrently;
 *   a lock left by a crashed relay expires after LOCK_MS.
 */
@Injectable()
export class OutboxRelay implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(OutboxRelay.name);
  readonly owner = randomUUID();
  private running = false;
  private loop?: Promise<void>;
  private wake?: () => void;

  constructor(
    @InjectModel(CUSTOMERS) private readonly customers: Model<CustomerDoc>,
    private readonly amqp: AmqpClient,
    private readonly metrics: MetricsService,
    @Inject(CUSTOMERS_CONFIG) private readonly config: CustomersConfig,
  ) {}

  onApplicationBootstrap() {
    this.start();
  }

  async onApplicationShutdown() {
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

  /** Publishes until no customer has a waiting entry; returns how many entries went out. */
  async drain(): Promise<number> {
    let total = 0;
    for (;;) {
      const doc = await this.claim();
      if (!doc) return total;
      total += await this.publishClaimed(doc);
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

  private async claim(): Promise<CustomerDoc | null> {
    const now = new Date();
    return this.customers
      .findOneAndUpdate(
        { outboxAt: { $ne: null, $lte: now }, $or: [{ relayLock: null }, { 'relayLock.until': { $lt: now } }] },
        { $set: { relayLock: { owner: this.owner, until: new Date(now.getTime() + LOCK_MS) } } },
        { sort: { outboxAt: 1 }, new: true }, // no projection: FerretDB's findAndModify does not take one
      )
      .lean<CustomerDoc>()
      .exec();
  }

  private async publishClaimed(doc: CustomerDoc): Promise<number> {
    const published = new Set<string>();
    try {
      for (const entry of doc.outbox) {
        await this.publish(entry);
        published.add(entry.eventId);
      }
    } finally {
      await this.complete(doc, published);
    }
    return published.size;
  }

  private async publish(entry: OutboxEntry) {
    await this.amqp.publish(entry.routingKey, entry.body, { messageId: entry.eventId, correlationId: entry.correlationId });
    this.metrics.eventsPublished.inc({ routing_key: entry.routingKey });
  }

  /**
   * Removes the published entries and releases the lock. Writers may have appended meanwhile, so this
   * is a compare-and-set on outboxSeq ($pull with a condition is not available on every
   * MongoDB-compatible server), retried on a fresh read.
   */
  private async complete(claimed: CustomerDoc, published: Set<string>) {
    let doc: Pick<CustomerDoc, '_id' | 'outbox' | 'outboxSeq'> | null = claimed;
    for (let attempt = 0; doc && attempt < 20; attempt++) {
      const remaining = doc.outbox.filter((e) => !published.has(e.eventId));
      const set: Record<string, unknown> = { outbox: remaining, relayLock: null };
      if (!remaining.length) set['outboxAt'] = null;
      else if (remaining.length < doc.outbox.length) set['outboxAt'] = remaining[0].createdAt;
      const r = await this.customers.updateOne({ _id: doc._id, outboxSeq: doc.outboxSeq }, { $set: set }).exec();
      if (r.matchedCount) return;
      doc = await this.customers.findById(claimed._id, { outbox: 1, outboxSeq: 1 }).lean<CustomerDoc>().exec();
    }
  }
}
