import { Logger } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { DomainError, alreadyApplied, onSyncFailed, onSyncSucceeded, onXeroDrifted, rememberApplied } from '@pos/customers-domain';
import { EventsController } from '@pos/messaging';
import {
  CustomerSyncFailed,
  CustomerSyncFailedV1,
  CustomerSyncSucceeded,
  CustomerSyncSucceededV1,
  CustomerXeroDrifted,
  CustomerXeroDriftedV1,
  EventDefinition,
  EventEnvelope,
  XeroConnectionChanged,
  XeroConnectionChangedV1,
} from '@pos/sync-contracts';
import { CustomersService } from '../customers/customers.service';
import { CustomerDoc } from '../customers/schemas/customer.schema';
import { MetricsService } from '../metrics/metrics.service';
import { RetailersService } from '../retailers/retailers.service';

/** The queue these handlers are served from (`<QUEUE_PREFIX>customers.xero-status`). */
export const XERO_STATUS_QUEUE = 'customers.xero-status';

/**
 * Turns what xero-sync reports into the Xero status a retailer sees. Each event arrives validated
 * by its contract class; it is applied idempotently (its id is remembered in the customer) and by
 * version (domain rules in xero-link), and acked by the transport once the write is durable.
 */
@EventsController()
export class XeroStatusController {
  private readonly logger = new Logger(XeroStatusController.name);

  constructor(
    private readonly customers: CustomersService,
    private readonly retailers: RetailersService,
    private readonly metrics: MetricsService,
  ) {}

  @EventPattern(XeroConnectionChanged.routingKey)
  onConnectionChanged(@Payload() e: XeroConnectionChangedV1): Promise<void> {
    return this.counted(XeroConnectionChanged, () =>
      this.retailers.setXeroConnection(e.retailerId, {
        status: e.status,
        tenantId: e.tenantId,
        organisationName: e.organisationName,
        shortCode: e.shortCode,
        changedAt: e.occurredAt,
      }),
    );
  }

  @EventPattern(CustomerSyncSucceeded.routingKey)
  onSyncSucceeded(@Payload() e: CustomerSyncSucceededV1): Promise<void> {
    const r = { version: e.customerVersion, contactId: e.xeroContactId, pushedFields: e.pushedFields, at: e.occurredAt, relinkedFrom: e.relinkedFrom };
    return this.counted(CustomerSyncSucceeded, () => this.onCustomer(e, (doc) => onSyncSucceeded(doc.xero, r)));
  }

  @EventPattern(CustomerSyncFailed.routingKey)
  onSyncFailed(@Payload() e: CustomerSyncFailedV1): Promise<void> {
    const r = {
      version: e.customerVersion,
      kind: e.error.kind,
      message: e.error.message,
      hint: e.error.hint,
      retryAt: e.error.retryAt,
      retrying: e.retrying,
      at: e.occurredAt,
    };
    return this.counted(CustomerSyncFailed, () => this.onCustomer(e, (doc) => onSyncFailed(doc.xero, r)));
  }

  @EventPattern(CustomerXeroDrifted.routingKey)
  onXeroDrifted(@Payload() e: CustomerXeroDriftedV1): Promise<void> {
    return this.counted(CustomerXeroDrifted, () => this.onCustomer(e, (doc) => onXeroDrifted(doc.xero, e.fields, e.occurredAt)));
  }

  /** events_consumed_total by routing key and outcome; the error itself goes back to the transport (retry or dead letter). */
  private async counted(def: EventDefinition<EventEnvelope>, apply: () => Promise<void>): Promise<void> {
    try {
      await apply();
      this.metrics.eventsConsumed.inc({ routing_key: def.routingKey, outcome: 'applied' });
    } catch (err) {
      this.metrics.eventsConsumed.inc({ routing_key: def.routingKey, outcome: 'error' });
      throw err;
    }
  }

  private async onCustomer(e: EventEnvelope & { customerId: string }, next: (doc: CustomerDoc) => CustomerDoc['xero']): Promise<void> {
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
