import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { AmqpClient } from '@pos/messaging';
import { OutboxRelay as Relay, OutboxStore } from '@pos/persistence';
import { CUSTOMERS_CONFIG } from '../config/config.module';
import { CustomersConfig } from '../config/customers.config';
import { MetricsService } from '../metrics/metrics.service';
import { CustomersOutbox } from './customers-outbox';
import { ImportsOutbox } from './imports-outbox';

/**
 * Publishes the events waiting in the service's outboxes (customers, import jobs) with publisher
 * confirms, one relay of @pos/persistence per store (never lost, per-document order, one relay at a
 * time per document, a crashed relay's claim expires), from start-up until before the broker and
 * database close.
 */
@Injectable()
export class OutboxRelay implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly relays: Relay[];

  constructor(
    customers: CustomersOutbox,
    imports: ImportsOutbox,
    amqp: AmqpClient,
    metrics: MetricsService,
    @Inject(CUSTOMERS_CONFIG) config: CustomersConfig,
  ) {
    const logger = new Logger(OutboxRelay.name);
    const relayOf = (store: OutboxStore) =>
      new Relay(store, amqp, {
        pollMs: config.OUTBOX_POLL_MS,
        canPublish: () => amqp.isConnected(),
        onPublished: (entry) => metrics.eventsPublished.inc({ routing_key: entry.routingKey }),
        logger,
      });
    this.relays = [relayOf(customers), relayOf(imports)];
  }

  onApplicationBootstrap() {
    this.start();
  }

  /** Stops before the broker connection and the database close (those go in onApplicationShutdown). */
  async beforeApplicationShutdown() {
    await this.stop();
  }

  start() {
    for (const r of this.relays) r.start();
  }

  async stop(): Promise<void> {
    await Promise.all(this.relays.map((r) => r.stop()));
  }

  /** Publishes until no document of either store has a waiting entry; returns how many entries went out. */
  async drain(): Promise<number> {
    let total = 0;
    for (const r of this.relays) total += await r.drain();
    return total;
  }
}
