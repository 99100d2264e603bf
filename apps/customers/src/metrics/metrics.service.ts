import { Injectable } from '@nestjs/common';
import { ServiceMetrics } from '@pos/service-kit';
import { Counter, Gauge, Registry } from 'prom-client';
import { CustomersOutbox } from '../outbox/customers-outbox';
import { ImportsOutbox } from '../outbox/imports-outbox';

/** The customers service's own metrics (outbox, consumed events), on the instance's registry (ServiceMetrics). */
@Injectable()
export class MetricsService {
  readonly registry: Registry;
  readonly eventsPublished: Counter<'routing_key'>;
  readonly eventsConsumed: Counter<'routing_key' | 'outcome'>;

  constructor(outbox: CustomersOutbox, imports: ImportsOutbox, service: ServiceMetrics) {
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
      name: 'outbox_backlog_imports',
      help: 'Import jobs with events waiting to be published',
      registers: [this.registry],
      async collect() {
        this.set((await imports.backlog()).documents);
      },
    });
    new Gauge({
      name: 'outbox_oldest_age_seconds',
      help: 'Age of the oldest unpublished event (customers and import jobs)',
      registers: [this.registry],
      async collect() {
        const oldest = (await Promise.all([outbox.backlog(), imports.backlog()])).map((b) => b.oldestAt?.getTime() ?? Infinity);
        const at = Math.min(...oldest);
        this.set(Number.isFinite(at) ? (Date.now() - at) / 1000 : 0);
      },
    });
  }
}
