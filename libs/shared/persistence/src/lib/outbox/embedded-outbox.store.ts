import type { mongo } from 'mongoose';
import { CollectionOf, StoredDoc, docRef } from '../doc-ref';
import { Change, DocumentWrites, UNCHANGED } from '../document-writes';
import { OutboxBacklog, OutboxClaim, OutboxEntry, OutboxStore } from './outbox';

/**
 * The fields a document carries when its outbox lives inside it: an event is added in the same
 * single-document write as the state change it reports (no multi-document transaction needed).
 */
export interface OutboxFields {
  outbox: OutboxEntry[];
  /** Bumped by every append. */
  outboxSeq: number;
  /** When the oldest waiting entry was added; null when none waits (what the relay looks for). */
  outboxAt?: Date | null;
  relayLock?: { owner: string; until: Date } | null;
}

export type OutboxDoc = StoredDoc & OutboxFields;

/** The fields of a new document whose outbox starts with `entries`. */
export function newOutbox(entries: OutboxEntry[] = []): OutboxFields {
  return { outbox: entries, outboxSeq: entries.length, outboxAt: entries[0]?.createdAt ?? null, relayLock: null };
}

/** The change that appends `entry` to `doc`'s outbox: merge it into the write of the state change. */
export function appendToOutbox(doc: OutboxFields, entry: OutboxEntry): Pick<OutboxFields, 'outbox' | 'outboxSeq' | 'outboxAt'> {
  return {
    outbox: [...(doc.outbox ?? []), entry],
    outboxSeq: (doc.outboxSeq ?? 0) + 1,
    // the age of the backlog: the oldest waiting entry's time when one is already waiting
    outboxAt: doc.outboxAt ?? entry.createdAt,
  };
}

/**
 * An OutboxStore over the entries kept inside the documents of one collection (any collection whose
 * documents have OutboxFields: customers, a ledger, import pages). Claims and completions are writes
 * through DocumentWrites like any other, so they never race a state change. Declare an index on
 * `outboxAt` for `waiting` and `backlog`.
 */
export class EmbeddedOutboxStore<T extends OutboxDoc> implements OutboxStore {
  constructor(
    private readonly writes: DocumentWrites,
    private readonly collection: CollectionOf<T>,
  ) {}

  private get docs(): mongo.Collection<OutboxDoc> {
    return this.writes.collection(this.collection) as unknown as mongo.Collection<OutboxDoc>;
  }

  async waiting(now: Date, limit: number): Promise<string[]> {
    const claimable = { outboxAt: { $ne: null, $lte: now }, $or: [{ relayLock: null }, { 'relayLock.until': { $lt: now } }] };
    const docs = await this.docs.find(claimable, { projection: { _id: 1 } }).sort({ outboxAt: 1 }).limit(limit).toArray();
    return docs.map((d) => d._id);
  }

  /** A document being written just now is not waited for: it is left for the next round (undefined → null). */
  async claim(id: string, owner: string, lockMs: number): Promise<OutboxClaim | null> {
    let claim: OutboxClaim | null = null;
    await this.writes.tryUpdate(docRef(this.collection, id), (doc) => {
      const now = new Date();
      const free = !doc.relayLock || new Date(doc.relayLock.until) < now;
      if (!doc.outboxAt || !doc.outbox?.length || !free) return UNCHANGED;
      const until = new Date(now.getTime() + lockMs);
      claim = { id, owner, until, entries: doc.outbox };
      return { relayLock: { owner, until } } as Change<T>;
    });
    return claim;
  }

  async complete(claim: OutboxClaim, publishedEventIds: readonly string[]): Promise<void> {
    const published = new Set(publishedEventIds);
    await this.writes.upsert(docRef(this.collection, claim.id), (doc) => {
      if (!doc) return UNCHANGED;
      const remaining = (doc.outbox ?? []).filter((e) => !published.has(e.eventId));
      const ours = doc.relayLock?.owner === claim.owner;
      if (remaining.length === (doc.outbox ?? []).length && !ours) return UNCHANGED;
      const change: Partial<OutboxFields> = { outbox: remaining };
      if (ours) change.relayLock = null;
      if (!remaining.length) change.outboxAt = null;
      else if (remaining.length < doc.outbox.length) change.outboxAt = remaining[0].createdAt;
      return change as Change<T>;
    });
  }

  async backlog(): Promise<OutboxBacklog> {
    const waiting = { outboxAt: { $ne: null } };
    const [documents, oldest] = await Promise.all([
      this.docs.countDocuments(waiting),
      this.docs.find(waiting, { projection: { outboxAt: 1 } }).sort({ outboxAt: 1 }).limit(1).next(),
    ]);
    return { documents, oldestAt: oldest?.outboxAt ? new Date(oldest.outboxAt) : null };
  }
}
