import { Logger } from '@nestjs/common';
import type { Connection, mongo } from 'mongoose';
import { randomUUID } from 'node:crypto';
import { CollectionOf, DocRef, StoredDoc, lockKeyOf } from './doc-ref';
import { DocumentMissing, DuplicateKey, StorageBusy, isDuplicateKeyError } from './storage-errors';

/** What a rule returns when the document is already as it should be: nothing is written. */
export const UNCHANGED = 'unchanged';
export type Unchanged = typeof UNCHANGED;

/** The new values of top-level fields (the rest of the document is kept). `undefined` removes a field. */
export type Change<T extends StoredDoc> = Partial<Omit<T, '_id' | 'rev' | 'createdAt' | 'updatedAt'>>;
/** A rule's answer for a document as read: its new fields, or "unchanged". */
export type Decision<T extends StoredDoc> = Change<T> | Unchanged;
/** What `create` stores: the document without the fields the helper owns. */
export type NewDoc<T extends StoredDoc> = Omit<T, '_id' | 'rev' | 'createdAt' | 'updatedAt'>;

export interface DocumentWritesOptions {
  /** Read-decide-write attempts before giving up with StorageBusy (a document that keeps changing). */
  attempts?: number;
  /** How long a writer waits for another writer's lock before giving up with StorageBusy. */
  waitMs?: number;
  /** A lock document not renewed for this long (its holder died) is taken over. */
  lockTtlMs?: number;
  logger?: { log(message: string): void; warn(message: string): void };
}

export const LOCKS_COLLECTION = 'document_locks';
/** The database that holds the lock documents of database `database` (FerretDB only). */
export const locksDatabase = (database: string) => `${database}_locks`;

interface LockDoc {
  _id: string;
  owner: string;
  until: Date;
}

/** A lock held by this process; `lost` once a renewal found it gone (expired and taken over). */
interface HeldLock {
  lost: boolean;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Lets a write leave a nested `undefined` out instead of storing null (top-level ones are unset). */
const WRITE_OPTIONS = { ignoreUndefined: true } as const;

/**
 * The one way documents are written: read, let the domain decide, write only if nobody wrote in
 * between, retry a bounded number of times.
 *
 *     writes.update(customerRef(id), (doc) => domainRule(doc, input))
 *
 * How "only if nobody wrote in between" is made true depends on the server, and only this class
 * knows it (decided once from `buildInfo`):
 * - **MongoDB** (and servers whose conditional updates are atomic): compare-and-set on the document's
 *   `rev`, which every write through here bumps; a lost race reads again and decides again.
 * - **FerretDB 1.x**: a conditional update is "read the match, change it in memory, write it back by
 *   `_id`" in two steps, so two writers can both win a compare-and-set. Every write therefore first
 *   takes a lock document (`<db>_locks.document_locks`, `_id` = `<collection>:<id>`; an insert with a
 *   unique `_id` is atomic everywhere), renewed while held, taken over once it has not been renewed
 *   for `lockTtlMs` (its holder died). The write itself is then by `_id` alone: the one filter
 *   FerretDB answers from an index.
 * Writers of one document in the same process also queue in memory, so the database only arbitrates
 * between processes.
 *
 * A new collection adopts it by declaring `collectionOf<Doc>(name)` and a `docRef` maker beside its
 * schema; its documents get `_id: string`, `rev`, `createdAt`, `updatedAt` (kept by this class). Reads
 * and queries stay with the caller (`collection()`, or a mongoose model on the same collection).
 */
export class DocumentWrites {
  private readonly owner = randomUUID();
  private readonly queues = new Map<string, Promise<unknown>>();
  private readonly attempts: number;
  private readonly waitMs: number;
  private readonly lockTtlMs: number;
  private readonly logger: NonNullable<DocumentWritesOptions['logger']>;
  private lockDocs?: Promise<boolean>;

  constructor(
    private readonly conn: Connection,
    options: DocumentWritesOptions = {},
  ) {
    this.attempts = options.attempts ?? 20;
    this.waitMs = options.waitMs ?? 10_000;
    this.lockTtlMs = options.lockTtlMs ?? 30_000;
    this.logger = options.logger ?? new Logger(DocumentWrites.name);
  }

  /** True when the server's conditional updates are not atomic, so writes take lock documents (FerretDB). */
  usesLockDocuments(): Promise<boolean> {
    this.lockDocs ??= this.detect();
    return this.lockDocs;
  }

  /** The driver's collection, for reads and queries (never for writes). */
  collection<T extends StoredDoc>(c: CollectionOf<T>): mongo.Collection<T> {
    const db = this.conn.db;
    if (!db) throw new Error('DocumentWrites: the database connection is not open');
    return db.collection<T>(c.name);
  }

  async read<T extends StoredDoc>(ref: DocRef<T>): Promise<T | null> {
    return (await this.collection(ref.collection).findOne({ _id: ref.id } as mongo.Filter<T>)) as T | null;
  }

  /** Inserts a new document (atomic everywhere: no lock). A unique index refusing it is DuplicateKey. */
  async create<T extends StoredDoc>(ref: DocRef<T>, doc: NewDoc<T>): Promise<T> {
    const now = new Date();
    const stored = { ...doc, _id: ref.id, rev: 1, createdAt: now, updatedAt: now } as unknown as T;
    try {
      await this.collection(ref.collection).insertOne(stored as mongo.OptionalUnlessRequiredId<T>, WRITE_OPTIONS);
    } catch (err) {
      if (isDuplicateKeyError(err)) throw new DuplicateKey(lockKeyOf(ref), err);
      throw err;
    }
    return stored;
  }

  /**
   * Applies `decide` to the document as it is now and writes its answer if nobody wrote meanwhile,
   * deciding again on the fresh document otherwise. `decide` may throw (a domain rule refusing): nothing
   * is written. Resolves to the document as written (or as read, when unchanged).
   * Throws DocumentMissing (or `ifMissing()`), DuplicateKey, or StorageBusy.
   */
  update<T extends StoredDoc>(ref: DocRef<T>, decide: (doc: T) => Decision<T>, opts: { ifMissing?: () => Error } = {}): Promise<T> {
    const missing = () => {
      throw opts.ifMissing ? opts.ifMissing() : new DocumentMissing(ref);
    };
    return this.locked(ref, this.waitMs, (lock) =>
      this.decideAndWrite(ref, lock, (doc) => (doc ? decide(doc) : missing())),
    ) as Promise<T>;
  }

  /**
   * Like `update`, but `decide` also sees a missing document (null) and may answer with the whole new
   * document, which is inserted. Resolves to the document as written or read (null: missing and unchanged).
   */
  upsert<T extends StoredDoc>(ref: DocRef<T>, decide: (doc: T | null) => Decision<T>): Promise<T | null> {
    return this.locked(ref, this.waitMs, (lock) => this.decideAndWrite(ref, lock, decide));
  }

  /**
   * Like `update`, but when another writer holds the document right now it does nothing and resolves
   * to undefined: for background work (an outbox relay) that would rather do something else than wait,
   * and must not stall behind a lock left by a crashed process. A missing document resolves to null.
   */
  async tryUpdate<T extends StoredDoc>(ref: DocRef<T>, decide: (doc: T) => Decision<T>): Promise<T | null | undefined> {
    if (this.queues.has(lockKeyOf(ref))) return undefined;
    try {
      return await this.locked(ref, 0, (lock) => this.decideAndWrite(ref, lock, (doc) => (doc ? decide(doc) : UNCHANGED)));
    } catch (err) {
      if (err instanceof StorageBusy) return undefined;
      throw err;
    }
  }

  private async decideAndWrite<T extends StoredDoc>(ref: DocRef<T>, lock: HeldLock | null, decide: (doc: T | null) => Decision<T>): Promise<T | null> {
    const key = lockKeyOf(ref);
    const coll = this.collection(ref.collection);
    for (let attempt = 0; attempt < this.attempts; attempt++) {
      const doc = await this.read(ref);
      const decided = decide(doc);
      if (decided === UNCHANGED) return doc;
      const change = ownFields(decided);
      if (lock?.lost) throw new StorageBusy(key, 'its lock expired while held');
      const now = new Date();
      try {
        if (!doc) {
          const created = { ...change, _id: ref.id, rev: 1, createdAt: now, updatedAt: now } as unknown as T;
          await coll.insertOne(created as mongo.OptionalUnlessRequiredId<T>, WRITE_OPTIONS);
          return created;
        }
        const rev = (doc.rev ?? 0) + 1;
        const { $set, $unset } = toUpdate({ ...change, rev, updatedAt: now });
        // Under a lock document the lock is the condition; elsewhere the revision is.
        const filter = lock ? { _id: ref.id } : { _id: ref.id, rev: doc.rev ?? null };
        const update = Object.keys($unset).length ? { $set, $unset } : { $set };
        const r = await coll.updateOne(filter as mongo.Filter<T>, update as mongo.UpdateFilter<T>, WRITE_OPTIONS);
        if (r.matchedCount) return merge(doc, change, rev, now);
      } catch (err) {
        if (!isDuplicateKeyError(err)) throw err;
        // Inserting a document another writer just created: read it and decide again.
        if (!doc && (await this.read(ref))) continue;
        throw new DuplicateKey(key, err);
      }
    }
    throw new StorageBusy(key, `it changed under ${this.attempts} attempts`);
  }

  /** Runs `fn` while no other writer (in this process, and where needed any other) writes `ref`. */
  private locked<T>(ref: DocRef<StoredDoc>, waitMs: number, fn: (lock: HeldLock | null) => Promise<T>): Promise<T> {
    const key = lockKeyOf(ref);
    const previous = this.queues.get(key) ?? Promise.resolve();
    const next = previous
      .catch(() => undefined)
      .then(async () => ((await this.usesLockDocuments()) ? this.withLockDocument(key, waitMs, fn) : fn(null)));
    this.queues.set(key, next);
    const cleanup = () => {
      if (this.queues.get(key) === next) this.queues.delete(key);
    };
    next.then(cleanup, cleanup);
    return next;
  }

  private async detect(): Promise<boolean> {
    const db = this.conn.db;
    if (!db) throw new Error('DocumentWrites: the database connection is not open');
    const info = await db.admin().command({ buildInfo: 1 });
    const ferret = 'ferretdbVersion' in info;
    if (ferret) this.logger.log(`FerretDB ${String(info['ferretdbVersion'])}: writes to a document are serialised through ${LOCKS_COLLECTION}`);
    return ferret;
  }

  /**
   * The locks live in a database of their own: FerretDB's SQLite backend keeps one file, with one
   * writer at a time, per database, so lock writes beside the documents would queue behind the writes
   * they guard.
   */
  private get locks(): mongo.Collection<LockDoc> {
    return this.conn.getClient().db(locksDatabase(this.conn.name)).collection<LockDoc>(LOCKS_COLLECTION);
  }

  private async withLockDocument<T>(key: string, waitMs: number, fn: (lock: HeldLock) => Promise<T>): Promise<T> {
    const token = `${this.owner}:${randomUUID()}`;
    await this.acquire(key, token, waitMs);
    const held: HeldLock = { lost: false };
    // Renewed while held, so a slow write never outlives its lock; unref'd: it never keeps a process alive.
    const renewal = setInterval(() => {
      this.locks
        .updateOne({ _id: key, owner: token }, { $set: { until: new Date(Date.now() + this.lockTtlMs) } })
        .then((r) => {
          if (!r.matchedCount) held.lost = true;
        })
        .catch((err: Error) => this.logger.warn(`could not renew lock ${key}: ${err.message}`));
    }, Math.max(50, Math.floor(this.lockTtlMs / 3)));
    renewal.unref();
    try {
      return await fn(held);
    } finally {
      clearInterval(renewal);
      await this.locks.deleteOne({ _id: key, owner: token }).catch((err: Error) => {
        this.logger.warn(`could not release lock ${key}: ${err.message}; it expires in ${this.lockTtlMs} ms`);
      });
    }
  }

  private async acquire(key: string, token: string, waitMs: number): Promise<void> {
    const deadline = Date.now() + waitMs;
    for (let attempt = 0; ; attempt++) {
      const now = Date.now();
      try {
        await this.locks.insertOne({ _id: key, owner: token, until: new Date(now + this.lockTtlMs) });
        return;
      } catch (err) {
        if (!isDuplicateKeyError(err)) throw err;
      }
      const held = await this.locks.findOne({ _id: key });
      if (held && held.until.getTime() < now) {
        this.logger.warn(`taking over lock ${key} left by ${held.owner}`);
        await this.locks.deleteOne({ _id: key, owner: held.owner });
        continue;
      }
      if (Date.now() >= deadline) throw new StorageBusy(key, 'another writer holds it');
      await sleep(Math.min(2 ** attempt, 25) + Math.random() * 5);
    }
  }
}

/** A rule may hand back a whole document: the fields this class keeps are its own. */
function ownFields<T extends StoredDoc>(decided: Change<T>): Change<T> {
  const { _id, rev, createdAt, updatedAt, ...change } = decided as Change<T> & Partial<StoredDoc>;
  void [_id, rev, createdAt, updatedAt];
  return change as Change<T>;
}

function toUpdate(fields: Record<string, unknown>): { $set: Record<string, unknown>; $unset: Record<string, ''> } {
  const $set: Record<string, unknown> = {};
  const $unset: Record<string, ''> = {};
  for (const [k, v] of Object.entries(fields)) {
    if (v === undefined) $unset[k] = '';
    else $set[k] = v;
  }
  return { $set, $unset };
}

function merge<T extends StoredDoc>(doc: T, change: Change<T>, rev: number, updatedAt: Date): T {
  const out: Record<string, unknown> = { ...doc, ...change, rev, updatedAt };
  for (const [k, v] of Object.entries(change)) if (v === undefined) delete out[k];
  return out as T;
}
