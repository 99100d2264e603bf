import { EventPattern, Payload } from '@nestjs/microservices';
import { EventsController } from '@pos/messaging';
import { EventDefinition, EventEnvelope, XeroContactsPage, XeroContactsPageV1, XeroImportFinished, XeroImportFinishedV1 } from '@pos/sync-contracts';
import { MetricsService } from '../metrics/metrics.service';
import { ImportsService } from './imports.service';

/**
 * What xero-sync sends while it pages through a retailer's contacts, served from the customers
 * service's one queue: one service method per event. A page that arrives before the page it
 * follows is applied fails with PageOutOfOrder and comes back through the retry queue.
 */
@EventsController()
export class ImportPagesController {
  constructor(
    private readonly imports: ImportsService,
    private readonly metrics: MetricsService,
  ) {}

  @EventPattern(XeroContactsPage.routingKey)
  onPage(@Payload() e: XeroContactsPageV1): Promise<void> {
    return this.counted(XeroContactsPage, () => this.imports.applyPage(e));
  }

  @EventPattern(XeroImportFinished.routingKey)
  onFinished(@Payload() e: XeroImportFinishedV1): Promise<void> {
    return this.counted(XeroImportFinished, () => this.imports.finish(e));
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
}
