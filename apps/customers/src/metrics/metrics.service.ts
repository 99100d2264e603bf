import { Injectable } from '@nestjs/common';
import { ServiceMetrics } from '@pos/service-kit';
import { Counter, Gauge, Registry } from 'prom-client';
import { CustomersOutbox } from '../outbox/customers-outbox';

/** The customers service's own metrics (outbox, consumed events), on the instance's registry (ServiceMetrics). */
@Injectable()
export class MetricsService {
  readonly registry: Registry;
  readonly eventsPublished: Counter<'routing_key'>;
  readonly eventsConsumed: Counter<'routing_key' | 'outcome'>;

  constructor(outbox: CustomersOutbox, service: ServiceMetrics) {
    this.registry = service.registry;
    this.eventsPublished = new Counter({
      name: 'outbox_events_published_total',
      help: 'Events the outbox relay published with a broker confirm',
      labelNames: ['routing_key'],
      registers: [this.registry],
    });
    this.eventsConsumed = new Counter({
      name: 'events_consumed_total',
      help: 'Events consumed from the broker',
      labelNames: ['routing_key', 'outcome'],
      registers: [this.registry],
    });
    new Gauge({
      name: 'outbox_backlog_customers',
      help: 'Customers with events waiting to be published',
      registers: [this.registry],
      async collect() {
        this.set((await outbox.backlog()).documents);
      },
    });
    new Gauge({
      name: 'outbox_oldest_age_seconds',
      help: 'Age of the oldest unpublished event',
      registers: [this.registry],
      async collect() {
        const { oldestAt } = await outbox.backlog();
        this.set(oldestAt ? (Date.now() - oldestAt.getTime()) / 1000 : 0);
      },
    });
  }
}
