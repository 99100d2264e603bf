import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { AmqpClient } from '@pos/messaging';
import { RequestContext } from '@pos/service-kit';
import { Model } from 'mongoose';
import { randomUUID } from 'node:crypto';
import { XERO_SYNC_CONFIG } from '../config/config.tokens';
import { XeroSyncConfig } from '../config/xero-sync.config';
import { CONNECTIONS, ConnectionDoc } from '../connections/connection.schema';
import { LEDGER, LedgerDoc } from '../ledger/ledger.schema';
import { DocumentWriter, Revisioned } from './document-writer';
import { OutboxEntry, RelayLock, WithOutbox } from './outbox';

const LOCK_MS = 30_000;
const BATCH = 50;

type OutboxDoc = Revisioned & WithOutbox & { relayLock?: RelayLock | null };

/**
 * Publishes the events waiting in xero-sync's documents (connections, ledger entries) with publisher
 * confirms, in order per document, and removes each entry only after its confirm (at-least-once;
 * consumers deduplicate by eventId). A relay claims a document with `relayLock` before publishing,
 * so two workers never publish one document's entries at the same time.
 *
 * TODO(merge): replace with @pos/persistence OutboxRelay.
 */
@Injectable()
export class OutboxRelay implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(OutboxRelay.name);
  private readonly owner = randomUUID();
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
      const waiting = await model.find({ outboxAt: { $ne: null } }, { _id: 1 }).limit(BATCH).lean().exec();
      for (const { _id } of waiting) total += await this.publishOne(model, String(_id));
    }
    return total;
  }

  private async publishOne(model: Model<OutboxDoc>, id: string): Promise<number> {
    const now = new Date();
    const claimed = await this.writer.update<OutboxDoc, OutboxEntry[] | undefined>(model, id, (doc) => {
      if (!doc?.outbox?.length) return { result: undefined };
      if (doc.relayLock && doc.relayLock.owner !== this.owner && new Date(doc.relayLock.until) > now) return { result: undefined };
      return { doc: { ...doc, relayLock: { owner: this.owner, until: new Date(now.getTime() + LOCK_MS) } }, result: doc.outbox };
    });
    if (!claimed) return 0;
    let last = 0;
    try {
      for (const e of claimed) {
        await RequestContext.run(e.correlationId, () =>
          this.amqp.publish(e.routingKey, e.body, { messageId: e.messageId, correlationId: e.correlationId }),
        );
        last = e.seq;
      }
    } finally {
      await this.writer.update<OutboxDoc, void>(model, id, (doc) => {
        if (!doc) return { result: undefined };
        const outbox = (doc.outbox ?? []).filter((e) => e.seq > last);
        return { doc: { ...doc, outbox, outboxAt: outbox.length ? (doc.outboxAt ?? now) : null, relayLock: null }, result: undefined };
      });
    }
    return claimed.length;
  }
}
