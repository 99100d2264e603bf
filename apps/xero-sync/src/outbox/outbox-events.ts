import { randomUUID } from 'node:crypto';
import { OutboxEntry, OutboxFields, appendToOutbox } from '@pos/persistence';
import { EventDefinition, EventEnvelope, Payload, buildEvent } from '@pos/sync-contracts';
import { RequestContext } from '@pos/service-kit';

/** An event to put in a document's outbox: its contract and its payload. */
export interface OutboxEvent<P extends EventEnvelope = EventEnvelope> {
  def: EventDefinition<P>;
  payload: Payload<P>;
}

/** The outbox entry of one event of `retailerId`, carrying the correlation id of the work that caused it. */
export function outboxEntry<P extends EventEnvelope>(retailerId: string, { def, payload }: OutboxEvent<P>): OutboxEntry {
  const body = buildEvent(def, retailerId, payload, { eventId: randomUUID() });
  return {
    eventId: body.eventId,
    routingKey: def.routingKey,
    body: body as unknown as Record<string, unknown>,
    correlationId: RequestContext.correlationId() ?? body.eventId,
    createdAt: new Date(),
  };
}

/** The outbox fields of `doc` with `events` appended: merge them into the write of the change they report. */
export function withEvents(doc: OutboxFields | null | undefined, retailerId: string, events: OutboxEvent[]): Pick<OutboxFields, 'outbox' | 'outboxSeq' | 'outboxAt'> {
  let fields: Pick<OutboxFields, 'outbox' | 'outboxSeq' | 'outboxAt'> = {
    outbox: doc?.outbox ?? [],
    outboxSeq: doc?.outboxSeq ?? 0,
    outboxAt: doc?.outboxAt ?? null,
  };
  for (const e of events) fields = appendToOutbox(fields, outboxEntry(retailerId, e));
  return fields;
}
