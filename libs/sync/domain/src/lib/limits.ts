/** Xero's limits (xero-api-notes.md "Rate limits"); the sandbox enforces the same by default. */
export interface XeroLimits {
  concurrent: number;
  perMinute: number;
  perDay: number;
  appPerMinute: number;
  minuteMs: number;
  dayMs: number;
}

export const XERO_LIMITS: XeroLimits = {
  concurrent: 5,
  perMinute: 60,
  perDay: 5000,
  appPerMinute: 10_000,
  minuteMs: 60_000,
  dayMs: 86_400_000,
};

/**
 * Calls counted over a rolling window: at most `limit` started in any `windowMs`. Plain arithmetic
 * over start times (ms); the caller passes the clock.
 */
export class RollingWindow {
  private starts: number[] = [];

  constructor(
    public limit: number,
    readonly windowMs: number,
  ) {}

  used(now: number): number {
    this.expire(now);
    return this.starts.length;
  }

  /** 0 when one more call fits now, else how long until the oldest call leaves the window. */
  waitMs(now: number): number {
    this.expire(now);
    if (this.starts.length < this.limit) return 0;
    return this.starts[this.starts.length - this.limit] + this.windowMs - now;
  }

  take(now: number): void {
    this.expire(now);
    this.starts.push(now);
  }

  /**
   * Xero says `remaining` calls are left in this window: when it counts more calls than we do
   * (another client, a restarted worker), the difference counts as made now. Never loosens the budget.
   */
  correct(now: number, remaining: number): void {
    if (!Number.isFinite(remaining)) return;
    const used = this.limit - Math.max(0, remaining);
    const missing = used - this.used(now);
    for (let i = 0; i < missing; i++) this.starts.push(now);
  }

  /** Takes back the call recorded at `at`: the server refused it without counting it (a 429). */
  giveBack(at: number): void {
    const i = this.starts.lastIndexOf(at);
    if (i >= 0) this.starts.splice(i, 1);
  }

  private expire(now: number): void {
    let drop = 0;
    while (drop < this.starts.length && this.starts[drop] + this.windowMs <= now) drop++;
    if (drop) this.starts = this.starts.slice(drop);
  }
}

/** The remaining-calls headers Xero puts on every Accounting reply. */
export interface LimitHeaders {
  minRemaining?: number;
  dayRemaining?: number;
  appMinRemaining?: number;
}

export function readLimitHeaders(headers: Record<string, string | undefined> | undefined): LimitHeaders {
  const get = (name: string) => {
    const key = Object.keys(headers ?? {}).find((k) => k.toLowerCase() === name);
    const v = key === undefined ? undefined : Number(headers?.[key]);
    return v === undefined || Number.isNaN(v) ? undefined : v;
  };
  return { minRemaining: get('x-minlimit-remaining'), dayRemaining: get('x-daylimit-remaining'), appMinRemaining: get('x-appminlimit-remaining') };
}

/**
 * One tenant's budget: calls in flight, the rolling minute, the rolling day, and a pause a 429 asked
 * for. `waitMs` says how long before the next call may start; `start` and `finish` bracket a call.
 */
export class TenantBudget {
  private inFlight = 0;
  private blockedUntil = 0;
  readonly minute: RollingWindow;
  readonly day: RollingWindow;

  constructor(readonly limits: XeroLimits = XERO_LIMITS) {
    this.minute = new RollingWindow(limits.perMinute, limits.minuteMs);
    this.day = new RollingWindow(limits.perDay, limits.dayMs);
  }

  /** 0 when a call may start now, else the wait in ms. */
  waitMs(now: number): number {
    const blocked = Math.max(0, this.blockedUntil - now);
    const windows = Math.max(this.minute.waitMs(now), this.day.waitMs(now));
    const wait = Math.max(blocked, windows);
    if (wait > 0) return wait;
    return this.inFlight >= this.limits.concurrent ? CONCURRENCY_POLL_MS : 0;
  }

  /** Whether the day budget is what holds the tenant back (its customers show rate_limited). */
  dayExhaustedUntil(now: number): number | undefined {
    const w = this.day.waitMs(now);
    return w > 0 ? now + w : undefined;
  }

  start(now: number): void {
    this.inFlight++;
    this.minute.take(now);
    this.day.take(now);
  }

  finish(now: number, h: LimitHeaders = {}): void {
    this.inFlight = Math.max(0, this.inFlight - 1);
    if (h.minRemaining !== undefined) this.minute.correct(now, h.minRemaining);
    if (h.dayRemaining !== undefined) this.day.correct(now, h.dayRemaining);
  }

  /**
   * The call started at `startedAt` got a 429: Xero refused it before counting it against any limit
   * (X-MinLimit-Remaining is unchanged), so it gives its place in the windows back. Kept, every 429
   * of a storm would spend a call of the minute and the tenant would wait for calls it never made.
   */
  refused(startedAt: number): void {
    this.minute.giveBack(startedAt);
    this.day.giveBack(startedAt);
  }

  /** A 429: minute → wait Retry-After; day → nothing until then; concurrent → a brief pause. */
  onRateLimited(now: number, problem: 'minute' | 'day' | 'concurrent' | 'appminute', waitMs: number): void {
    this.blockedUntil = Math.max(this.blockedUntil, now + (problem === 'concurrent' ? Math.min(waitMs, CONCURRENT_PAUSE_MS) : waitMs));
  }

  get callsInFlight(): number {
    return this.inFlight;
  }
}

/** How often a caller held back only by the concurrency limit looks again. */
export const CONCURRENCY_POLL_MS = 20;
/** The pause after a 429 for concurrency: another client had calls in flight. */
export const CONCURRENT_PAUSE_MS = 1000;

/**
 * The app's budget across every tenant: one rolling minute, corrected by X-AppMinLimit-Remaining.
 * With several workers each holds its share (`share(workers)`), so together they stay under the limit.
 */
export class AppBudget {
  readonly minute: RollingWindow;
  private blockedUntil = 0;

  constructor(private readonly limits: XeroLimits = XERO_LIMITS) {
    this.minute = new RollingWindow(limits.appPerMinute, limits.minuteMs);
  }

  /** This worker's share of the app limit when `workers` workers are alive. */
  share(workers: number): void {
    this.minute.limit = Math.max(1, Math.floor(this.limits.appPerMinute / Math.max(1, workers)));
  }

  waitMs(now: number): number {
    return Math.max(this.blockedUntil - now, this.minute.waitMs(now), 0);
  }

  start(now: number): void {
    this.minute.take(now);
  }

  finish(now: number, h: LimitHeaders = {}): void {
    // Xero's remaining count is for the whole app: what is left of our share can be no more than that
    if (h.appMinRemaining !== undefined) {
      this.minute.correct(now, Math.min(this.minute.limit - this.minute.used(now), h.appMinRemaining));
    }
  }

  /** The call started at `startedAt` got a 429, which Xero does not count: its place is given back. */
  refused(startedAt: number): void {
    this.minute.giveBack(startedAt);
  }

  onRateLimited(now: number, waitMs: number): void {
    this.blockedUntil = Math.max(this.blockedUntil, now + waitMs);
  }
}
