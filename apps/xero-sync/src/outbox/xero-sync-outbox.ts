import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { AmqpClient } from '@pos/messaging';
import { DocumentWrites, EmbeddedOutboxStore, OutboxRelay } from '@pos/persistence';
import { XERO_SYNC_CONFIG } from '../config/config.tokens';
import { XeroSyncConfig } from '../config/xero-sync.config';
import { ConnectionDoc, Connections } from '../connections/connection.schema';
import { ImportJobsOutbox, ImportPagesOutbox } from '../imports/import-outbox';
import { Ledger, LedgerDoc } from '../ledger/ledger.schema';

/** The ledger's outbox: each entry's sync-succeeded/sync-failed events, kept in the entry until published. */
@Injectable()
export class LedgerOutbox extends EmbeddedOutboxStore<LedgerDoc> {
  constructor(writes: DocumentWrites) {
    super(writes, Ledger);
  }
}

/** The connections' outbox: xero.connection-changed events, kept in the connection document until published. */
@Injectable()
export class ConnectionsOutbox extends EmbeddedOutboxStore<ConnectionDoc> {
  constructor(writes: DocumentWrites) {
    super(writes, Connections);
  }
}

/**
 * Publishes the events waiting in xero-sync's documents (ledger entries, connections, import jobs and pages) with publisher
 * confirms: the relay of @pos/persistence, one per collection (never lost, in order per document, one
 * relay at a time per document, a crashed worker's claim expires), from start-up until before the
 * broker and the database close.
 */
@Injectable()
export class XeroSyncOutboxRelay implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly relays: OutboxRelay[];

  constructor(
    ledger: LedgerOutbox,
    connections: ConnectionsOutbox,
    importJobs: ImportJobsOutbox,
    importPages: ImportPagesOutbox,
    amqp: AmqpClient,
    @Inject(XERO_SYNC_CONFIG) config: XeroSyncConfig,
  ) {
    const logger = new Logger(XeroSyncOutboxRelay.name);
    const options = { pollMs: config.PUSH_POLL_MS, canPublish: () => amqp.isConnected(), logger };
    this.relays = [ledger, connections, importJobs, importPages].map((store) => new OutboxRelay(store, amqp, options));
  }

  onApplicationBootstrap() {
    for (const r of this.relays) r.start();
  }

  /** Stops before the broker connection and the database close (those go in onApplicationShutdown). */
  async beforeApplicationShutdown() {
    await Promise.all(this.relays.map((r) => r.stop()));
  }

  /** Publishes until nothing claimable waits; returns how many entries went out. */
  async drain(): Promise<number> {
    const counts = await Promise.all(this.relays.map((r) => r.drain()));
    return counts.reduce((a, b) => a + b, 0);
  }
}
