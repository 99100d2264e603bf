/** An event waiting to be published, with the id consumers deduplicate by. */
export interface OutboxEntry {
  eventId: string;
  routingKey: string;
  body: Record<string, unknown>;
  correlationId?: string;
  createdAt: Date;
}

/** A document's waiting entries, held by one relay until `until`. */
export interface OutboxClaim {
  id: string;
  owner: string;
  until: Date;
  /** In the order they were added: published in this order. */
  entries: OutboxEntry[];
}

export interface OutboxBacklog {
  /** Documents with entries waiting. */
  documents: number;
  /** When the oldest waiting entry was added (null: nothing waits). */
  oldestAt: Date | null;
}

/**
 * Where outbox entries wait. Any store the relay uses must pass `outboxStoreContract`:
 * - `waiting` lists documents with entries and no live claim, oldest first;
 * - `claim` gives one relay at a time a document's entries until the claim expires (null: not claimable now);
 * - `complete` removes exactly the published entries (keeping any added meanwhile) and releases the
 *   claim if it is still this relay's (a relay that outlived its claim must not free another's);
 * - `backlog` says how much waits, for metrics.
 */
export interface OutboxStore {
  waiting(now: Date, limit: number): Promise<string[]>;
  claim(id: string, owner: string, lockMs: number): Promise<OutboxClaim | null>;
  complete(claim: OutboxClaim, publishedEventIds: readonly string[]): Promise<void>;
  backlog(): Promise<OutboxBacklog>;
}

/** What the relay publishes through (AmqpClient from @pos/messaging is one): resolves once confirmed. */
export interface OutboxPublisher {
  publish(routingKey: string, body: unknown, opts: { messageId: string; correlationId?: string }): Promise<void>;
}
