import { Clock } from '../core/clock';
import { LimitConfig } from '../config/sandbox-options';
import { FixedWindow } from './fixed-window';

export type LimitProblem = 'minute' | 'day' | 'concurrent' | 'appminute';

export interface LimitHeaders {
  'X-MinLimit-Remaining': string;
  'X-DayLimit-Remaining': string;
  'X-AppMinLimit-Remaining': string;
}

export type Admission =
  | { ok: true; headers: LimitHeaders; release: () => void }
  | {
      ok: false;
      problem: LimitProblem;
      retryAfterSec: number;
      headers: LimitHeaders;
    };

interface GrantCounters {
  minute: FixedWindow;
  day: FixedWindow;
}

/**
 * Xero's API limits (its "OAuth 2.0 API limits" guide): per app and tenant 60 calls per minute and 5,000
 * per day, counted in fixed windows that reset on the minute and at the start of the (UTC) day; per app
 * 10,000 calls per minute across tenants; 5 calls in flight per tenant (counted across apps, the stricter
 * reading). Refused calls do not count. Every number and window length is configurable so the same rules
 * can run on a compressed clock.
 */
export class RateLimiter {
  /** Minute and day counters per app and tenant. */
  private grants = new Map<string, GrantCounters>();
  private inFlightByTenant = new Map<string, number>();
  private apps = new Map<string, FixedWindow>();

  constructor(
    private readonly clock: Clock,
    private config: LimitConfig,
  ) {}

  getConfig(): LimitConfig {
    return { ...this.config };
  }

  setConfig(patch: Partial<LimitConfig>): LimitConfig {
    for (const [k, v] of Object.entries(patch)) {
      if (v === undefined) continue;
      if (typeof v !== 'number' || !Number.isFinite(v) || v < 0)
        throw new Error(`limit ${k} must be a non-negative number`);
    }
    this.config = { ...this.config, ...patch };
    return this.getConfig();
  }

  reset(): void {
    this.grants.clear();
    this.inFlightByTenant.clear();
    this.apps.clear();
  }

  private counters(tenantId: string, appId: string): GrantCounters {
    const key = `${appId}\u0000${tenantId}`;
    let c = this.grants.get(key);
    if (!c) {
      c = { minute: new FixedWindow(), day: new FixedWindow() };
      this.grants.set(key, c);
    }
    return c;
  }

  private app(appId: string): FixedWindow {
    let w = this.apps.get(appId);
    if (!w) {
      w = new FixedWindow();
      this.apps.set(appId, w);
    }
    return w;
  }

  inFlight(tenantId: string): number {
    return this.inFlightByTenant.get(tenantId) ?? 0;
  }

  headers(tenantId: string, appId: string): LimitHeaders {
    const now = this.clock.now();
    const c = this.counters(tenantId, appId);
    const cfg = this.config;
    return {
      'X-MinLimit-Remaining': String(
        Math.max(0, cfg.perMinute - c.minute.count(now, cfg.minuteWindowMs)),
      ),
      'X-DayLimit-Remaining': String(
        Math.max(0, cfg.perDay - c.day.count(now, cfg.dayWindowMs)),
      ),
      'X-AppMinLimit-Remaining': String(
        Math.max(
          0,
          cfg.appPerMinute - this.app(appId).count(now, cfg.minuteWindowMs),
        ),
      ),
    };
  }

  admit(tenantId: string, appId: string): Admission {
    const now = this.clock.now();
    const cfg = this.config;
    const c = this.counters(tenantId, appId);
    const app = this.app(appId);
    const refuse = (problem: LimitProblem, freeAt: number): Admission => ({
      ok: false,
      problem,
      retryAfterSec: Math.max(1, Math.ceil((freeAt - now) / 1000)),
      headers: this.headers(tenantId, appId),
    });
    if (c.day.count(now, cfg.dayWindowMs) >= cfg.perDay)
      return refuse('day', c.day.resetsAt(now, cfg.dayWindowMs));
    if (c.minute.count(now, cfg.minuteWindowMs) >= cfg.perMinute)
      return refuse('minute', c.minute.resetsAt(now, cfg.minuteWindowMs));
    if (app.count(now, cfg.minuteWindowMs) >= cfg.appPerMinute)
      return refuse('appminute', app.resetsAt(now, cfg.minuteWindowMs));
    // No Retry-After is sent for this one (the pipeline leaves it out); the value is only informative.
    if (this.inFlight(tenantId) >= cfg.concurrent)
      return refuse('concurrent', now + 1000);
    c.minute.add(now, cfg.minuteWindowMs);
    c.day.add(now, cfg.dayWindowMs);
    app.add(now, cfg.minuteWindowMs);
    this.inFlightByTenant.set(tenantId, this.inFlight(tenantId) + 1);
    let released = false;
    return {
      ok: true,
      headers: this.headers(tenantId, appId),
      release: () => {
        if (released) return;
        released = true;
        this.inFlightByTenant.set(
          tenantId,
          Math.max(0, this.inFlight(tenantId) - 1),
        );
      },
    };
  }
}
