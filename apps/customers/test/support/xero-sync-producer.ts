import { AmqpClient } from '@pos/messaging';
import { EventDefinition, EventEnvelope, Payload, buildEvent } from '@pos/sync-contracts';

/**
 * Produces xero-sync's results the way xero-sync does. Its producers of these events (the sync
 * engine) are being built separately, so the body is built with the contracts' `buildEvent`, as
 * that producer builds it, and sent through the services' own publisher (AmqpClient: publisher
 * confirms, persistent, messageId = eventId, correlation id header). Swap in the real producer once
 * it exists.
 */
export class XeroSyncProducer {
  private constructor(private readonly client: AmqpClient) {}

  static async open(amqpUrl: string): Promise<XeroSyncProducer> {
    const client = new AmqpClient({ url: amqpUrl, connectionName: 'contract-xero-sync-producer' });
    await client.start();
    return new XeroSyncProducer(client);
  }

  async publish<P extends EventEnvelope>(
    def: EventDefinition<P>,
    retailerId: string,
    payload: Payload<P>,
    opts: { occurredAt?: Date; correlationId?: string } = {},
  ): Promise<P> {
    const event = buildEvent(def, retailerId, payload, { occurredAt: opts.occurredAt });
    await this.client.publish(def.routingKey, event, { messageId: event.eventId, correlationId: opts.correlationId ?? `contract-${event.eventId}` });
    return event;
  }

  async close(): Promise<void> {
    await this.client.close();
  }
}
