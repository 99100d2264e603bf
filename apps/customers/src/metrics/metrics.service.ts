import { Injectable } from '@nestjs/common';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { CustomersOutbox } from '../outbox/customers-outbox';

/** Prometheus metrics of this service instance (one registry per app, so tests can run several). */
@Injectable()
export class MetricsService {
  readonly registry = new Registry();

  readonly httpRequests = new Counter({
    name: 'http_requests_total',
    help: 'HTTP requests handled',
    labelNames: ['method', 'route', 'status'],
    registers: [this.registry],
  });

  readonly httpDuration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request latency',
    labelNames: ['method', 'route'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [this.registry],
  });

  readonly eventsPublished = new Counter({
    name: 'outbox_events_published_total',
    help: 'Events the outbox relay published with a broker confirm',
    labelNames: ['routing_key'],
    registers: [this.registry],
  });

  readonly eventsConsumed = new Counter({
    name: 'events_consumed_total',
    help: 'Events consumed from the broker',
    labelNames: ['routing_key', 'outcome'],
    registers: [this.registry],
  });

  constructor(outbox: CustomersOutbox) {
    collectDefaultMetrics({ register: this.registry });
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
