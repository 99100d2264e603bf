import type { DocRef, StoredDoc } from './doc-ref';
import { lockKeyOf } from './doc-ref';

/**
 * Errors raised by storage code. Plain classes: the HTTP layer (or a consumer) decides what they
 * mean to its caller; storage never throws HTTP exceptions.
 */
export abstract class StorageError extends Error {
  abstract readonly code: string;
}

/**
 * The document stayed busy longer than a writer waits (its lock was held, or it kept changing under
 * every attempt): nothing was written; try again shortly. HTTP: 503 with Retry-After.
 */
export class StorageBusy extends StorageError {
  readonly code = 'STORAGE.BUSY';
  /** A sensible wait before trying again. */
  readonly retryAfterSeconds = 1;
  constructor(
    readonly key: string,
    reason: string,
  ) {
    super(`${key} is busy with other changes (${reason}); try again`);
    this.name = 'StorageBusy';
  }
}

/** A unique index refused the write (MongoDB E11000 / code 11000, FerretDB "UNIQUE constraint failed"). */
export class DuplicateKey extends StorageError {
  readonly code = 'STORAGE.DUPLICATE_KEY';
  constructor(
    readonly key: string,
    cause: unknown,
  ) {
    super(`${key}: a unique index refused the write (${(cause as Error)?.message ?? String(cause)})`, { cause });
    this.name = 'DuplicateKey';
  }
}

/** The document an update names does not exist. */
export class DocumentMissing extends StorageError {
  readonly code = 'STORAGE.MISSING';
  constructor(readonly ref: DocRef<StoredDoc>) {
    super(`${lockKeyOf(ref)} does not exist`);
    this.name = 'DocumentMissing';
  }
}

/**
 * Whether a server refused a write because of a unique index. MongoDB reports E11000 (code 11000);
 * FerretDB does so on insert but answers an update that breaks a unique index (and SQLite/PostgreSQL
 * constraint errors in general) with "UNIQUE constraint failed" / "duplicate key value".
 */
export function isDuplicateKeyError(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false;
  const e = err as { code?: number; message?: string };
  return e.code === 11000 || /E11000|UNIQUE constraint failed|duplicate key value/.test(e.message ?? '');
}
