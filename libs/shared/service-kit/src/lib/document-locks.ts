import { Injectable, Logger, OnModuleInit, ServiceUnavailableException } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import { Connection } from 'mongoose';
import { randomUUID } from 'node:crypto';

export const LOCKS_COLLECTION = 'document_locks';
/** The database that holds the locks of the documents in `database`. */
export const locksDatabase = (database: string) => `${database}_locks`;
/** A lock left by a crashed process is taken over after this long. */
const LOCK_TTL_MS = 30_000;
/** How long a writer waits for a busy document before giving up (503, try again). */
const WAIT_MS = 10_000;

interface LockDoc {
  _id: string;
  owner: string;
  until: Date;
}

function isDuplicateKey(err: unknown): boolean {
  const e = err as { code?: number; message?: string } | null;
  return !!e && (e.code === 11000 || /E11000|UNIQUE constraint failed/.test(e.message ?? ''));
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Another writer held the document for longer than this one would wait: 503, try again. */
export class LockBusy extends ServiceUnavailableException {
  constructor(key: string) {
    super(`${key} is busy with other changes; try again`);
  }
}

function busyAsUndefined(err: unknown): undefined {
  if (err instanceof LockBusy) return undefined;
  throw err;
}

/**
 * Serialises the writes to one document.
 *
 * On MongoDB a conditional update (`findOneAndUpdate({_id, rev}, ...)`) is atomic, so the
 * compare-and-set in the repositories is enough. FerretDB 1.x is not: it reads the matching
 * document, applies the update in memory and writes the whole document back by `_id` in a second
 * step, so two concurrent writers both "win" a compare-and-set and the later one silently undoes the
 * earlier one (50 concurrent `$inc` of one field end up as about 12). On such a server every write to
 * a document first takes a lock: a document in `document_locks` (database `<database>_locks`) whose
 * `_id` is the document's key;
 * inserting it is atomic everywhere (unique `_id`). A lock older than LOCK_TTL_MS (its holder
 * crashed) is taken over.
 *
 * Writers in the same process queue in memory first, so the database lock is only contended
 * between processes.
 */
@Injectable()
export class DocumentLocks implements OnModuleInit {
  private readonly logger = new Logger(DocumentLocks.name);
  private readonly owner = randomUUID();
  private readonly queues = new Map<string, Promise<unknown>>();
  /** Whether conditional updates need the lock (decided from the server at start-up). */
  private needed = true;

  constructor(@InjectConnection() private readonly conn: Connection) {}

  async onModuleInit() {
    const db = this.conn.db;
    if (!db) throw new Error('DocumentLocks: the database connection is not open');
    const info = await db.admin().command({ buildInfo: 1 });
    this.needed = 'ferretdbVersion' in info;
    if (this.needed) this.logger.log(`FerretDB ${String(info['ferretdbVersion'])}: writes to a document are serialised through ${LOCKS_COLLECTION}`);
  }

  /** True when the server's own conditional updates are not atomic (and locks are taken). */
  get serverLocks(): boolean {
    return this.needed;
  }

  /**
   * The filter of a conditional write to document `id`, made while holding its lock (inside `run`).
   * Where the server's conditional updates are atomic, the condition is the compare-and-set. Where
   * they are not, the lock already excludes every other writer and the filter is `_id` alone: the
   * only filter FerretDB 1.x looks up through an index (any other filter scans the collection).
   */
  conditional<C extends object>(id: string, condition: C): { _id: string } & Partial<C> {
    return (this.needed ? { _id: id } : { _id: id, ...condition }) as { _id: string } & Partial<C>;
  }

  /** Runs `fn` while no other writer (in this process or, where needed, any other) writes document `key`. */
  run<T>(key: string, fn: () => Promise<T>): Promise<T> {
    return this.enqueue(key, () => (this.needed ? this.withServerLock(key, fn, WAIT_MS) : fn()));
  }

  /**
   * Like `run`, but gives up at once (undefined, `fn` not run) when another writer holds `key`: for
   * background work (the outbox relay) that would rather do something else than wait, and must not
   * stall behind a lock left by a crashed process until it expires.
   */
  tryRun<T>(key: string, fn: () => Promise<T>): Promise<T | undefined> {
    if (this.queues.has(key)) return Promise.resolve(undefined);
    return this.enqueue(key, () => (this.needed ? this.withServerLock(key, fn, 0).catch(busyAsUndefined) : fn()));
  }

  private enqueue<T>(key: string, work: () => Promise<T>): Promise<T> {
    const previous = this.queues.get(key) ?? Promise.resolve();
    const next = previous.catch(() => undefined).then(work);
    this.queues.set(key, next);
    const cleanup = () => {
      if (this.queues.get(key) === next) this.queues.delete(key);
    };
    next.then(cleanup, cleanup);
    return next;
  }

  /**
   * The locks live in a database of their own, `<database>_locks`: FerretDB's SQLite backend keeps
   * one file, with one writer at a time, per database, so lock writes in the customers' database
   * would queue behind (and slow down) the customer writes they guard.
   */
  private get locks() {
    return this.conn.useDb(locksDatabase(this.conn.name), { useCache: true }).collection<LockDoc>(LOCKS_COLLECTION);
  }

  private async withServerLock<T>(key: string, fn: () => Promise<T>, waitMs: number): Promise<T> {
    const token = `${this.owner}:${randomUUID()}`;
    await this.acquire(key, token, waitMs);
    try {
      return await fn();
    } finally {
      await this.locks.deleteOne({ _id: key, owner: token }).catch((err: Error) => {
        this.logger.warn(`could not release lock ${key}: ${err.message}; it expires in ${LOCK_TTL_MS} ms`);
      });
    }
  }

  private async acquire(key: string, token: string, waitMs: number): Promise<void> {
    const deadline = Date.now() + waitMs;
    for (let attempt = 0; ; attempt++) {
      const now = Date.now();
      try {
        await this.locks.insertOne({ _id: key, owner: token, until: new Date(now + LOCK_TTL_MS) });
        return;
      } catch (err) {
        if (!isDuplicateKey(err)) throw err;
      }
      const held = await this.locks.findOne({ _id: key });
      if (held && held.until.getTime() < now) {
        this.logger.warn(`taking over lock ${key} left by ${held.owner}`);
        await this.locks.deleteOne({ _id: key, owner: held.owner });
        continue;
      }
      if (Date.now() >= deadline) throw new LockBusy(key);
      await sleep(Math.min(2 ** attempt, 25) + Math.random() * 5);
    }
  }
}
