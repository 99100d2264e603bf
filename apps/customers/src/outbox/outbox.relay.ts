import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { AmqpClient } from '@pos/messaging';
import { OutboxRelay as Relay } from '@pos/persistence';
import { CUSTOMERS_CONFIG } from '../config/config.module';
import { CustomersConfig } from '../config/customers.config';
import { MetricsService } from '../metrics/metrics.service';
import { CustomersOutbox } from './customers-outbox';

/**
 * Publishes the events waiting in customers' outboxes with publisher confirms (the relay of
 * @pos/persistence: never lost, per-customer order, one relay at a time per customer, a crashed
 * relay's claim expires), from start-up until before the broker and database close.
 */
@Injectable()
export class OutboxRelay implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly relay: Relay;

  constructor(outbox: CustomersOutbox, amqp: AmqpClient, metrics: MetricsService, @Inject(CUSTOMERS_CONFIG) config: CustomersConfig) {
    const logger = new Logger(OutboxRelay.name);
    this.relay = new Relay(outbox, amqp, {
      pollMs: config.OUTBOX_POLL_MS,
      canPublish: () => amqp.isConnected(),
      onPublished: (entry) => metrics.eventsPublished.inc({ routing_key: entry.routingKey }),
      logger,
    });
  }

  onApplicationBootstrap() {
    this.start();
  }

  /** Stops before the broker connection and the database close (those go in onApplicationShutdown). */
  async beforeApplicationShutdown() {
    await this.stop();
  }

  start() {
    this.relay.start();
  }

  stop(): Promise<void> {
    return this.relay.stop();
  }

  /** Publishes until no customer has a waiting entry; returns how many entries went out. */
  drain(): Promise<number> {
    return this.relay.drain();
  }
}
