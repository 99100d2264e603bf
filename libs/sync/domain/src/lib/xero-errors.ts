import type { SyncErrorKind } from '@pos/sync-contracts/enums';

/**
 * What the pusher does after a failure:
 * - `same_request`: back off with jitter and send the very same request again (same Idempotency-Key:
 *   no reply came, so Xero either never saw it or replays what it stored);
 * - `recheck`: Xero answered 5xx. It may or may not have applied the request, and it replays the 5xx
 *   for the same Idempotency-Key as long as the key lives: back off, look again (the ContactNumber of
 *   what was to be created), and send a new request with a new key;
 * - `refresh`: refresh the access token, then send the same request again;
 * - `later`: stop pushing this tenant until `retryAt` (limits) or until it is reconnected (auth);
 * - `never`: Xero refused this customer's data; it waits for the next change or push now.
 */
export type RetryAdvice = 'same_request' | 'recheck' | 'refresh' | 'later' | 'never';

export interface SyncError {
  kind: SyncErrorKind;
  message: string;
  /** How the retailer fixes it, when that is up to them. */
  hint?: string;
  /** When pushes resume (rate_limited). */
  retryAt?: string;
  retry: RetryAdvice;
}

/** A reply (or the lack of one) from an Accounting API call, as the client adapter reports it. */
export interface XeroReply {
  status?: number;
  headers?: Record<string, string | undefined>;
  body?: unknown;
  /** Timeout, connection refused or reset: no reply at all. */
  networkError?: string;
}

const NAME_TAKEN = /already assigned to another contact/i;
const ARCHIVED = /archived/i;

function header(r: XeroReply, name: string): string | undefined {
  const h = r.headers ?? {};
  const key = Object.keys(h).find((k) => k.toLowerCase() === name.toLowerCase());
  return key ? h[key] : undefined;
}

/** Classifies one element's validation errors (summarizeErrors=false); `name` is the name we sent. */
export function elementError(e: { ValidationErrors?: { Message?: string }[]; ContactStatus?: string; Name?: string }, name?: string): SyncError {
  const messages = (e.ValidationErrors ?? []).map((v) => v.Message ?? '').filter(Boolean);
  const message = messages.join('; ') || 'Xero refused the contact';
  if (messages.some((m) => NAME_TAKEN.test(m))) {
    const taken = name ?? e.Name ?? 'this name';
    return {
      kind: 'name_taken',
      message,
      hint:
        `Another active contact in Xero is already called "${taken}". Give this customer a different name ` +
        `(for example add the company or a middle initial), or rename or archive the other contact in Xero, then push again.`,
      retry: 'never',
    };
  }
  if (e.ContactStatus === 'ARCHIVED' || messages.some((m) => ARCHIVED.test(m))) {
    return {
      kind: 'archived',
      message: messages.join('; ') || 'The contact is archived in Xero',
      hint:
        'The linked contact is archived in Xero. Restore it in Xero (Contacts → Archived → Restore) and push again, ' +
        'or unlink the customer from it in the POS so that the next push creates a new contact.',
      retry: 'never',
    };
  }
  return { kind: 'validation', message, retry: 'never' };
}

/**
 * Classifies a failed call as a whole (not a per-element validation error). Timeouts and network
 * errors: retry the same request; 5xx: re-check, then a new request; 401: refresh then retry, and `auth` when that is not
 * enough; 403: the tenant is no longer connected; 429 by X-Rate-Limit-Problem.
 */
export function classifyReply(r: XeroReply, now: Date): SyncError {
  if (r.networkError || r.status === undefined) {
    return { kind: 'unavailable', message: `Xero did not answer: ${r.networkError ?? 'no reply'}`, retry: 'same_request' };
  }
  const s = r.status;
  if (s >= 500) return { kind: 'unavailable', message: `Xero answered ${s}`, retry: 'recheck' };
  if (s === 429) {
    const wait = rateLimitWait(r, now);
    return {
      kind: 'rate_limited',
      message: `Xero's ${wait.problem} limit was reached`,
      retryAt: new Date(now.getTime() + wait.waitMs).toISOString(),
      retry: wait.problem === 'day' ? 'later' : 'same_request',
    };
  }
  if (s === 401) return { kind: 'auth', message: detail(r.body) ?? 'Xero refused the access token', retry: 'refresh' };
  if (s === 403) {
    return {
      kind: 'not_connected',
      message: detail(r.body) ?? 'the Xero organisation is not connected',
      hint: 'Reconnect Xero from the POS settings.',
      retry: 'later',
    };
  }
  const elements = (r.body as { Elements?: { ValidationErrors?: { Message?: string }[] }[] } | undefined)?.Elements;
  if (s === 400 && elements?.length) return elementError(elements[0]);
  return { kind: 'validation', message: detail(r.body) ?? `Xero answered ${s}`, retry: 'never' };
}

function detail(body: unknown): string | undefined {
  if (typeof body === 'string') return body || undefined;
  const b = body as { Detail?: string; Message?: string; detail?: string; title?: string } | undefined;
  return b?.Detail ?? b?.Message ?? b?.detail ?? b?.title;
}

export type RateLimitProblem = 'minute' | 'day' | 'concurrent' | 'appminute';

/** How long a 429 asks us to wait: Retry-After for minute/day/appminute, a brief backoff for concurrent. */
export function rateLimitWait(r: XeroReply, _now: Date): { problem: RateLimitProblem; waitMs: number } {
  const raw = (header(r, 'x-rate-limit-problem') ?? 'minute').toLowerCase();
  const problem: RateLimitProblem = raw === 'day' || raw === 'concurrent' || raw === 'appminute' ? raw : 'minute';
  const retryAfter = Number(header(r, 'retry-after'));
  const given = Number.isFinite(retryAfter) && retryAfter >= 0 ? retryAfter * 1000 : undefined;
  if (problem === 'concurrent') return { problem, waitMs: given ?? CONCURRENT_BACKOFF_MS };
  return { problem, waitMs: given ?? (problem === 'day' ? 3_600_000 : 60_000) };
}

export const CONCURRENT_BACKOFF_MS = 250;

/** Exponential backoff with full jitter for retries of the same request: `random` in [0, 1). */
export function backoffMs(attempt: number, random: number, baseMs = 250, capMs = 30_000): number {
  const ceiling = Math.min(capMs, baseMs * 2 ** Math.max(0, attempt));
  return Math.round(ceiling / 2 + (random * ceiling) / 2);
}
