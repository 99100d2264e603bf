import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { AmqpClient, InboundMessage, consumeEvents } from '@pos/messaging';
import { RequestContext } from '@pos/service-kit';
import { CustomerChanged, FULL_PUSH_REASONS, parseEvent } from '@pos/sync-contracts';
import { XERO_SYNC_CONFIG } from '../config/config.tokens';
import { XeroSyncConfig } from '../config/xero-sync.config';
import { SyncLedgerRepository } from './sync-ledger.repository';

/**
 * Consumes customer.changed.v1: records the desired state in the ledger and acks only after that
 * write is durable. Workers scale out on the same queue; the ledger's compare-and-set keeps them
 * from overwriting each other.
 */
@Injectable()
export class CustomerChangedConsumer implements OnApplicationBootstrap {
  private readonly logger = new Logger(CustomerChangedConsumer.name);

  constructor(
    private readonly amqp: AmqpClient,
    private readonly ledger: SyncLedgerRepository,
    @Inject(XERO_SYNC_CONFIG) private readonly config: XeroSyncConfig,
  ) {}

  async onApplicationBootstrap() {
    await consumeEvents(this.amqp, {
      queue: `${this.config.QUEUE_PREFIX}xero-sync.customer-changed`,
      routingKeys: [CustomerChanged.routingKey],
      expiresMs: this.config.QUEUE_EXPIRES_MS,
      handler: (m) => RequestContext.run(m.correlationId, () => this.handle(m)),
    });
  }

  async handle(m: InboundMessage): Promise<void> {
    const e = parseEvent(CustomerChanged, m.body);
    const outcome = await this.ledger.record({
      eventId: e.eventId,
      retailerId: e.retailerId,
      customerId: e.customerId,
      customerVersion: e.customerVersion,
      changedFields: e.changedFields,
      snapshot: e.snapshot,
      fullPush: FULL_PUSH_REASONS.includes(e.reason),
      xeroContactId: e.xeroContactId,
    });
    this.logger.log(`${e.type} ${e.customerId} v${e.customerVersion} (${e.reason}): ${outcome}`);
  }
}
