import { Logger } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { EventsController } from '@pos/messaging';
import { CustomerChanged, CustomerChangedV1, FULL_PUSH_REASONS, UNLINK_REASONS } from '@pos/sync-contracts';
import { SyncLedgerRepository } from './sync-ledger.repository';

/** The queue these handlers are served from (`<QUEUE_PREFIX>xero-sync.customer-changed`). */
export const CUSTOMER_CHANGED_QUEUE = 'xero-sync.customer-changed';

/**
 * Consumes customer.changed.v1 (validated by its contract class): records the desired state in the
 * ledger; the transport acks only after that write is durable. Workers scale out on the same queue;
 * the ledger's compare-and-set keeps them from overwriting each other.
 */
@EventsController()
export class CustomerChangedController {
  private readonly logger = new Logger(CustomerChangedController.name);

  constructor(private readonly ledger: SyncLedgerRepository) {}

  @EventPattern(CustomerChanged.routingKey)
  async onCustomerChanged(@Payload() e: CustomerChangedV1): Promise<void> {
    const outcome = await this.ledger.record({
      eventId: e.eventId,
      retailerId: e.retailerId,
      customerId: e.customerId,
      customerVersion: e.customerVersion,
      changedFields: e.changedFields,
      snapshot: e.snapshot,
      fullPush: FULL_PUSH_REASONS.includes(e.reason),
      xeroContactId: e.xeroContactId,
      unlink: UNLINK_REASONS.includes(e.reason),
    });
    this.logger.log(`${e.type} ${e.customerId} v${e.customerVersion} (${e.reason}): ${outcome}`);
  }
}
