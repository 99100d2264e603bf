import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { AmqpClient } from '@pos/messaging';
import { RequestContext } from '@pos/service-kit';
import { Model } from 'mongoose';
import { XERO_SYNC_CONFIG } from '../config/config.tokens';
import { XeroSyncConfig } from '../config/xero-sync.config';
import { CONNECTIONS, ConnectionDoc } from '../connections/connection.schema';
import { LEDGER, LedgerDoc } from '../ledger/ledger.schema';
import { DocumentWriter, Revisioned } from './document-writer';
import { WithOutbox } from './outbox';

const BATCH = 200;
/** Documents published at the same time; each document's own entries still go out one by one, in order. */
const PARALLEL = 8;

type OutboxDoc = Revisioned & WithOutbox;

/**
 * Publishes the events waiting in xero-sync's documents (connections, ledger entries) with publisher
 * confirms, in order per document, and removes each entry only after its confirm (at-least-once;
 * consumers deduplicate by eventId).
 *
 * TODO(merge): replace with @pos/persistence OutboxRelay.
 */
@Injectable()
export class OutboxRelay implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(OutboxRelay.name);
  private running = false;
  private loop?: Promise<void>;
  private wake?: () => void;

  constructor(
    @InjectModel(CONNECTIONS) private readonly connections: Model<ConnectionDoc>,
    @InjectModel(LEDGER) private readonly ledger: Model<LedgerDoc>,
    private readonly writer: DocumentWriter,
    private readonly amqp: AmqpClient,
    @Inject(XERO_SYNC_CONFIG) private readonly config: XeroSyncConfig,
  ) {}

  onApplicationBootstrap() {
    this.running = true;
    this.loop = this.run();
  }

  async beforeApplicationShutdown() {
    this.running = false;
    this.wake?.();
    await this.loop;
  }

  /** Something was just written with an outbox entry: look now rather than at the next poll. */
  poke() {
    this.wake?.();
  }

  private async run() {
    while (this.running) {
      let published = 0;
      try {
        published = await this.drain();
      } catch (err) {
        this.logger.warn(`outbox relay: ${(err as Error).message}`);
      }
      if (!published && this.running) {
        await new Promise<void>((resolve) => {
          const t = setTimeout(resolve, this.config.PUSH_POLL_MS);
          this.wake = () => {
            clearTimeout(t);
            resolve();
          };
        });
      }
    }
  }

  /** Publishes what is waiting now; returns how many entries went out. */
  async drain(): Promise<number> {
    let total = 0;
    for (const model of [this.connections, this.ledger] as unknown as Model<OutboxDoc>[]) {
      if (!this.amqp.isConnected()) break;
      const waiting = await model.find({ outboxAt: { $ne: null } }).limit(BATCH).lean<OutboxDoc[]>().exec();
      let next = 0;
      const worker = async () => {
        while (next < waiting.length && this.amqp.isConnected()) total += await this.publishOne(model, waiting[next++]);
      };
      await Promise.all(Array.from({ length: PARALLEL }, worker));
    }
    return total;
  }

  /**
   * Publishes one document's entries in order, then removes those published (one write). Two relays
   * may publish the same entry twice (at-least-once); consumers deduplicate by eventId and order
   * results by version, so no claim write is needed first.
   */
  private async publishOne(model: Model<OutboxDoc>, doc: OutboxDoc): Promise<number> {
    const entries = doc.outbox ?? [];
    let last = 0;
    try {
      for (const e of entries) {
        await RequestContext.run(e.correlationId, () =>
          this.amqp.publish(e.routingKey, e.body, { messageId: e.messageId, correlationId: e.correlationId }),
        );
        last = e.seq;
      }
    } finally {
      if (last) {
        await this.writer.update<OutboxDoc, void>(model, doc._id, (cur) => {
          if (!cur) return { result: undefined };
          const outbox = (cur.outbox ?? []).filter((e) => e.seq > last);
          return { doc: { ...cur, outbox, outboxAt: outbox.length ? (cur.outboxAt ?? new Date()) : null }, result: undefined };
        });
      }
    }
    return entries.length;
  }
}
