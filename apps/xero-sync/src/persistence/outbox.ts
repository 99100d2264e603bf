import { randomUUID } from 'node:crypto';
import { EventDefinition, EventEnvelope, Payload, buildEvent } from '@pos/sync-contracts';
import { RequestContext } from '@pos/service-kit';

/** An event waiting in its document to be published (the outbox idiom: same write as the change). */
export interface OutboxEntry {
  seq: number;
  routingKey: string;
  messageId: string;
  correlationId: string;
  body: unknown;
}

/** The outbox fields a document carries (the platform outbox's names). */
export interface WithOutbox {
  outbox?: OutboxEntry[];
  outboxSeq?: number;
  outboxAt?: Date | null;
}

/** The document's outbox fields with `events` appended (read-modify-write of the whole array: FerretDB-safe). */
export function appendOutbox<P extends EventEnvelope>(
  doc: WithOutbox | undefined,
  retailerId: string,
  events: { def: EventDefinition<P>; payload: Payload<P> }[],
): Required<WithOutbox> {
  let seq = doc?.outboxSeq ?? 0;
  const added = events.map(({ def, payload }) => {
    const body = buildEvent(def, retailerId, payload, { eventId: randomUUID() });
    return {
      seq: ++seq,
      routingKey: def.routingKey,
      messageId: body.eventId,
      correlationId: RequestContext.correlationId() ?? body.eventId,
      body,
    };
  });
  const outbox = [...(doc?.outbox ?? []), ...added];
  return { outbox, outboxSeq: seq, outboxAt: outbox.length ? (doc?.outboxAt ?? new Date()) : null };
}

/** Which relay is publishing a document's entries, and until when (taken over after a crash). */
export interface RelayLock {
  owner: string;
  until: Date;
}
