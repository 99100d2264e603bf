import { createHash } from 'node:crypto';
import { Clock } from '../core/clock';

export const MAX_IDEMPOTENCY_KEY_LENGTH = 128;

export interface RecordedResult {
  status: number;
  body: unknown;
}

export class IdempotencyKeyError extends Error {}

interface Entry {
  fingerprint: string;
  expiresAt: number;
  result?: RecordedResult;
  pending?: Promise<RecordedResult>;
}

export function fingerprintOf(
  method: string,
  path: string,
  body: Buffer | string | undefined,
): string {
  return createHash('sha256')
    .update(method.toUpperCase())
    .update('\n')
    .update(path.toLowerCase())
    .update('\n')
    .update(body ?? '')
    .digest('hex');
}

/**
 * The `Idempotency-Key` header of PUT/POST: a replay within the key's lifetime returns the first result
 * (same status, same body) without running the request again; the same key with a different request is
 * refused. Keys are scoped per app and tenant.
 *
 * Every result is remembered, server errors (5xx) included, for the key's whole lifetime: the stricter
 * reading of Xero's idempotency guide (a request repeated with the same key gets the original request's
 * response, whatever it was). A client whose write ended in a 5xx must therefore retry with a *new*
 * key after checking whether the first attempt wrote (e.g. GET /Contacts/{ContactNumber}).
 * Only a request that never finished (an exception inside the sandbox) leaves no result behind.
 */
export class IdempotencyStore {
  private entries = new Map<string, Entry>();

  constructor(
    private readonly clock: Clock,
    private ttlMs: number,
  ) {}

  setTtl(ms: number): void {
    this.ttlMs = ms;
  }

  getTtl(): number {
    return this.ttlMs;
  }

  clear(): void {
    this.entries.clear();
  }

  get size(): number {
    return this.entries.size;
  }

  static validateKey(key: string): void {
    if (key.length > MAX_IDEMPOTENCY_KEY_LENGTH) {
      throw new IdempotencyKeyError(
        `Idempotency-Key must be at most ${MAX_IDEMPOTENCY_KEY_LENGTH} characters`,
      );
    }
  }

  private prune(now: number): void {
    for (const [k, e] of this.entries)
      if (e.expiresAt <= now && !e.pending) this.entries.delete(k);
  }

  async run(
    scope: string,
    key: string,
    fingerprint: string,
    exec: () => RecordedResult | Promise<RecordedResult>,
  ): Promise<{ result: RecordedResult; replayed: boolean }> {
    IdempotencyStore.validateKey(key);
    const now = this.clock.now();
    this.prune(now);
    const id = `${scope}\u0000${key}`;
    const existing = this.entries.get(id);
    if (existing && (existing.expiresAt > now || existing.pending)) {
      if (existing.fingerprint !== fingerprint) {
        throw new IdempotencyKeyError(
          'The Idempotency-Key has already been used with a different request',
        );
      }
      if (existing.result) return { result: existing.result, replayed: true };
      if (existing.pending)
        return { result: await existing.pending, replayed: true };
    }
    const entry: Entry = { fingerprint, expiresAt: now + this.ttlMs };
    this.entries.set(id, entry);
    entry.pending = Promise.resolve().then(exec);
    try {
      const result = await entry.pending;
      entry.result = result;
      return { result, replayed: false };
    } catch (e) {
      this.entries.delete(id);
      throw e;
    } finally {
      entry.pending = undefined;
    }
  }
}
