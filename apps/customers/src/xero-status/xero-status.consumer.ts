import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { DomainError, alreadyApplied, onSyncFailed, onSyncSucceeded, onXeroDrifted, rememberApplied } from '@pos/customers-domain';
import { AmqpClient, InboundMessage, PermanentFailure, consumeEvents } from '@pos/messaging';
import {
  CustomerSyncFailed,
  CustomerSyncSucceeded,
  CustomerXeroDrifted,
  EventDefinition,
  EventEnvelope,
  XeroConnectionChanged,
  parseEvent,
} from '@pos/sync-contracts';
import { CUSTOMERS_CONFIG } from '../config/config.module';
import { CustomersConfig } from '../config/customers.config';
import { CustomersService } from '../customers/customers.service';
import { CustomerDoc } from '../customers/schemas/customer.schema';
import { MetricsService } from '../metrics/metrics.service';
import { RequestContext } from '@pos/service-kit';
import { RetailersService } from '../retailers/retailers.service';

const EVENTS: EventDefinition<EventEnvelope>[] = [CustomerSyncSucceeded, CustomerSyncFailed, CustomerXeroDrifted, XeroConnectionChanged];

/**
 * Turns what xero-sync reports into the Xero status a retailer sees. Each event is applied
 * idempotently (its id is remembered in the customer) and by version (domain rules in xero-link).
 */
@Injectable()
export class XeroStatusConsumer implements OnApplicationBootstrap {
  private readonly logger = new Logger(XeroStatusConsumer.name);

  constructor(
    private readonly amqp: AmqpClient,
    private readonly customers: CustomersService,
    private readonly retailers: RetailersService,
    private readonly metrics: MetricsService,
    @Inject(CUSTOMERS_CONFIG) private readonly config: CustomersConfig,
  ) {}

  async onApplicationBootstrap() {
    await consumeEvents(this.amqp, {
      queue: `${this.config.QUEUE_PREFIX}customers.xero-status`,
      routingKeys: EVENTS.map((e) => e.routingKey),
      expiresMs: this.config.QUEUE_EXPIRES_MS,
      handler: (m) => RequestContext.run(m.correlationId, () => this.handle(m)),
    });
  }

  async handle(m: InboundMessage): Promise<void> {
    const def = EVENTS.find((e) => e.routingKey === m.routingKey);
    if (!def) throw new PermanentFailure(`no handler for ${m.routingKey}`);
    try {
      await this.apply(def, m.body);
      this.metrics.eventsConsumed.inc({ routing_key: m.routingKey, outcome: 'applied' });
    } catch (err) {
      this.metrics.eventsConsumed.inc({ routing_key: m.routingKey, outcome: 'error' });
      throw err;
    }
  }

  private async apply(def: EventDefinition<EventEnvelope>, body: unknown): Promise<void> {
    if (def === XeroConnectionChanged) {
      const e = parseEvent(XeroConnectionChanged, body);
      await this.retailers.setXeroConnection(e.retailerId, {
        status: e.status,
        tenantId: e.tenantId,
        organisationName: e.organisationName,
        shortCode: e.shortCode,
        changedAt: e.occurredAt,
      });
      return;
    }
    if (def === CustomerSyncSucceeded) {
      const e = parseEvent(CustomerSyncSucceeded, body);
      const r = { version: e.customerVersion, contactId: e.xeroContactId, pushedFields: e.pushedFields, at: e.occurredAt };
      return this.onCustomer(e, (doc) => onSyncSucceeded(doc.xero, r));
    }
    if (def === CustomerSyncFailed) {
      const e = parseEvent(CustomerSyncFailed, body);
      const r = { version: e.customerVersion, kind: e.error.kind, message: e.error.message, retrying: e.retrying, at: e.occurredAt };
      return this.onCustomer(e, (doc) => onSyncFailed(doc.xero, r));
    }
    const e = parseEvent(CustomerXeroDrifted, body);
    return this.onCustomer(e, (doc) => onXeroDrifted(doc.xero, e.fields));
  }

  private async onCustomer(
    e: EventEnvelope & { customerId: string },
    next: (doc: CustomerDoc) => CustomerDoc['xero'],
  ): Promise<void> {
    try {
      await this.customers.mutate(e.retailerId, e.customerId, (doc) => {
        if (alreadyApplied(doc.appliedEventIds, e.eventId)) return 'unchanged';
        return { set: { xero: next(doc), appliedEventIds: rememberApplied(doc.appliedEventIds, e.eventId) } };
      });
    } catch (err) {
      if (err instanceof DomainError && err.code === 'CUSTOMER.NOT_FOUND') {
        this.logger.warn(`${e.type} for unknown or deleted customer ${e.customerId}; dropped`);
        return;
      }
      throw err;
    }
  }
}
