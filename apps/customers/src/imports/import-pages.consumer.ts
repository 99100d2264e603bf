import { Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { AmqpClient, InboundMessage, PermanentFailure, consumeEvents } from '@pos/messaging';
import { RequestContext } from '@pos/service-kit';
import { XeroContactsPage, XeroImportFinished, parseEvent } from '@pos/sync-contracts';
import { CUSTOMERS_CONFIG } from '../config/config.module';
import { CustomersConfig } from '../config/customers.config';
import { MetricsService } from '../metrics/metrics.service';
import { ImportsService } from './imports.service';

/** The queue import pages arrive on. */
export const importsQueue = (prefix: string) => `${prefix}customers.imports`;

/**
 * What xero-sync sends while it pages through a retailer's contacts: one service method per event.
 * A page that arrives before the page it follows is applied goes back through the retry queue, so
 * the attempts allow for a wait of a minute or so.
 */
// TODO(merge): becomes @EventPattern(XeroContactsPage.routingKey) / @EventPattern(XeroImportFinished.routingKey) handlers.
@Injectable()
export class ImportPagesConsumer implements OnApplicationBootstrap {
  constructor(
    private readonly amqp: AmqpClient,
    private readonly imports: ImportsService,
    private readonly metrics: MetricsService,
    @Inject(CUSTOMERS_CONFIG) private readonly config: CustomersConfig,
  ) {}

  async onApplicationBootstrap() {
    await consumeEvents(this.amqp, {
      queue: importsQueue(this.config.QUEUE_PREFIX),
      routingKeys: [XeroContactsPage.routingKey, XeroImportFinished.routingKey],
      expiresMs: this.config.QUEUE_EXPIRES_MS,
      maxAttempts: 30,
      retryDelayMs: 2_000,
      handler: (m) => RequestContext.run(m.correlationId, () => this.handle(m)),
    });
  }

  async handle(m: InboundMessage): Promise<void> {
    const key = eventKey(m);
    try {
      if (key === XeroContactsPage.routingKey) await this.imports.applyPage(parseEvent(XeroContactsPage, m.body));
      else if (key === XeroImportFinished.routingKey) await this.imports.finish(parseEvent(XeroImportFinished, m.body));
      else throw new PermanentFailure(`no handler for ${key}`);
      this.metrics.eventsConsumed.inc({ routing_key: key, outcome: 'applied' });
    } catch (err) {
      this.metrics.eventsConsumed.inc({ routing_key: key, outcome: 'error' });
      throw err;
    }
  }
}

/**
 * The event a message carries, from its body (type and version): a message coming back from the
 * retry queue arrives under the queue's name as its routing key with today's transport.
 * TODO(merge): the transport that keeps the original routing key through retries makes this m.routingKey.
 */
function eventKey(m: InboundMessage): string {
  const b = (m.body ?? {}) as { type?: unknown; schemaVersion?: unknown };
  return typeof b.type === 'string' && typeof b.schemaVersion === 'number' ? `${b.type}.v${b.schemaVersion}` : m.routingKey;
}
