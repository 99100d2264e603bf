import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model } from 'mongoose';
import { ServiceMetrics } from '@pos/service-kit';
import { Counter, Gauge, Registry } from 'prom-client';
import { CUSTOMERS, CustomerDoc } from '../customers/schemas/customer.schema';

/** The customers service's own metrics (outbox, consumed events), on the instance's registry (ServiceMetrics). */
@Injectable()
export class MetricsService {
  readonly registry: Registry;
  readonly eventsPublished: Counter<'routing_key'>;
  readonly eventsConsumed: Counter<'routing_key' | 'outcome'>;

  constructor(@InjectModel(CUSTOMERS) customers: Model<CustomerDoc>, service: ServiceMetrics) {
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
        this.set(await customers.countDocuments({ outboxAt: { $ne: null } }).exec());
      },
    });
    new Gauge({
      name: 'outbox_oldest_age_seconds',
      help: 'Age of the oldest unpublished event',
      registers: [this.registry],
      async collect() {
        const oldest = await customers
          .findOne({ outboxAt: { $ne: null } }, { outboxAt: 1 })
          .sort({ outboxAt: 1 })
          .lean<CustomerDoc>()
          .exec();
        this.set(oldest?.outboxAt ? (Date.now() - new Date(oldest.outboxAt).getTime()) / 1000 : 0);
      },
    });
  }
}
