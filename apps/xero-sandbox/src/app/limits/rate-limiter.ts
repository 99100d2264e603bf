import { Clock } from '../core/clock';
import { LimitConfig } from '../config/sandbox-options';
import { SlidingWindow } from './sliding-window';

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

interface TenantCounters {
  minute: SlidingWindow;
  day: SlidingWindow;
  inFlight: number;
}

/**
 * Xero's API limits: per tenant 5 calls in flight, 60 per rolling minute and 5,000 per rolling day; per app
 * 10,000 per rolling minute across tenants. Refused calls do not count. Every number and window length is
 * configurable so the same rules can run on a compressed clock.
 */
export class RateLimiter {
  private tenants = new Map<string, TenantCounters>();
  private apps = new Map<string, SlidingWindow>();

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
    this.tenants.clear();
    this.apps.clear();
  }

  private counters(tenantId: string): TenantCounters {
    let c = this.tenants.get(tenantId);
    if (!c) {
      c = {
        minute: new SlidingWindow(),
        day: new SlidingWindow(),
        inFlight: 0,
      };
      this.tenants.set(tenantId, c);
    }
    return c;
  }

  private app(appId: string): SlidingWindow {
    let w = this.apps.get(appId);
    if (!w) {
      w = new SlidingWindow();
      this.apps.set(appId, w);
    }
    return w;
  }

  inFlight(tenantId: string): number {
    return this.tenants.get(tenantId)?.inFlight ?? 0;
  }

  headers(tenantId: string, appId: string): LimitHeaders {
    const now = this.clock.now();
    const c = this.counters(tenantId);
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
    const c = this.counters(tenantId);
    const app = this.app(appId);
    const refuse = (problem: LimitProblem, freeAt: number): Admission => ({
      ok: false,
      problem,
      retryAfterSec: Math.max(1, Math.ceil((freeAt - now) / 1000)),
      headers: this.headers(tenantId, appId),
    });
    if (c.day.count(now, cfg.dayWindowMs) >= cfg.perDay)
      return refuse('day', c.day.freeAt(now, cfg.dayWindowMs, cfg.perDay));
    if (c.minute.count(now, cfg.minuteWindowMs) >= cfg.perMinute) {
      return refuse(
        'minute',
        c.minute.freeAt(now, cfg.minuteWindowMs, cfg.perMinute),
      );
    }
    if (app.count(now, cfg.minuteWindowMs) >= cfg.appPerMinute) {
      return refuse(
        'appminute',
        app.freeAt(now, cfg.minuteWindowMs, cfg.appPerMinute),
      );
    }
    if (c.inFlight >= cfg.concurrent) return refuse('concurrent', now + 1000);
    c.minute.add(now);
    c.day.add(now);
    app.add(now);
    c.inFlight++;
    let released = false;
    return {
      ok: true,
      headers: this.headers(tenantId, appId),
      release: () => {
        if (released) return;
        released = true;
        c.inFlight = Math.max(0, c.inFlight - 1);
      },
    };
  }
}
