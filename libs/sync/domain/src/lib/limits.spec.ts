import { AppBudget, RollingWindow, TenantBudget, XERO_LIMITS, readLimitHeaders } from './limits';

describe('RollingWindow', () => {
  it('lets `limit` calls start in any window and says when the next fits', () => {
    const w = new RollingWindow(3, 1000);
    w.take(0);
    w.take(100);
    w.take(200);
    expect(w.waitMs(300)).toBe(700);
    expect(w.waitMs(1000)).toBe(0); // the first call has left the window
    w.take(1000);
    expect(w.waitMs(1050)).toBe(50);
  });

  it('a remaining count from Xero lower than ours tightens the budget; a higher one never loosens it', () => {
    const w = new RollingWindow(60, 60_000);
    w.take(0);
    w.correct(10, 50); // Xero counts 10
    expect(w.used(10)).toBe(10);
    w.correct(20, 59);
    expect(w.used(20)).toBe(10);
    w.correct(30, 0);
    expect(w.waitMs(30)).toBeGreaterThan(0);
  });
});

describe('TenantBudget', () => {
  it('holds at most 5 calls in flight', () => {
    const b = new TenantBudget();
    for (let i = 0; i < 5; i++) {
      expect(b.waitMs(0)).toBe(0);
      b.start(0);
    }
    expect(b.waitMs(0)).toBeGreaterThan(0);
    b.finish(1);
    expect(b.waitMs(1)).toBe(0);
  });

  it('allows 60 calls per rolling minute', () => {
    const b = new TenantBudget();
    for (let i = 0; i < 60; i++) {
      b.start(i * 100);
      b.finish(i * 100 + 1);
    }
    expect(b.waitMs(6000)).toBe(60_000 - 6000);
    expect(b.waitMs(60_000)).toBe(0);
  });

  it('spends the day budget, corrected by X-DayLimit-Remaining, and says until when', () => {
    const b = new TenantBudget({ ...XERO_LIMITS, perDay: 100 });
    b.start(0);
    b.finish(1, { dayRemaining: 0 });
    expect(b.dayExhaustedUntil(2)).toBe(XERO_LIMITS.dayMs) // when the first call of the day leaves the window;
  });

  it('a call refused with a 429 gives its place in the minute and day back (Xero did not count it)', () => {
    const b = new TenantBudget();
    for (let i = 0; i < 59; i++) {
      b.start(i);
      b.finish(i);
    }
    b.start(100);
    b.finish(100, { minRemaining: 1 }); // the 429 leaves Xero's count as it was
    b.refused(100);
    expect(b.minute.used(200)).toBe(59);
    expect(b.day.used(200)).toBe(59);
    expect(b.waitMs(200)).toBe(0); // the 60th call of the minute may still go
  });

  it('a 429 pauses the tenant: Retry-After for minute and day, briefly for concurrent', () => {
    const m = new TenantBudget();
    m.onRateLimited(0, 'minute', 30_000);
    expect(m.waitMs(0)).toBe(30_000);
    const c = new TenantBudget();
    c.onRateLimited(0, 'concurrent', 60_000);
    expect(c.waitMs(0)).toBeLessThanOrEqual(1000);
  });
});

describe('AppBudget', () => {
  it('holds 10,000 calls a minute across tenants, corrected by X-AppMinLimit-Remaining', () => {
    const a = new AppBudget();
    a.start(0);
    a.finish(1, { appMinRemaining: 0 });
    expect(a.waitMs(2)).toBeGreaterThan(59_000);
  });
});

describe('AppBudget shared by workers', () => {
  it('gives each live worker its share of the app limit', () => {
    const a = new AppBudget({ ...XERO_LIMITS, appPerMinute: 600 });
    a.share(4);
    for (let i = 0; i < 150; i++) a.start(i);
    expect(a.waitMs(150)).toBeGreaterThan(0);
    a.share(3);
    expect(a.waitMs(150)).toBe(0);
  });

  it('tightens its share when Xero says the whole app is nearly spent', () => {
    const a = new AppBudget({ ...XERO_LIMITS, appPerMinute: 600 });
    a.share(2); // 300 each
    a.start(0);
    a.finish(1, { appMinRemaining: 300 }); // the other worker used 299: ours still fits
    expect(a.waitMs(2)).toBe(0);
    a.finish(3, { appMinRemaining: 0 });
    expect(a.waitMs(4)).toBeGreaterThan(0);
  });
});

describe('readLimitHeaders', () => {
  it('reads the remaining-calls headers whatever their case', () => {
    expect(readLimitHeaders({ 'x-minlimit-remaining': '59', 'X-DayLimit-Remaining': '4999', 'x-appminlimit-remaining': '9999' })).toEqual({
      minRemaining: 59,
      dayRemaining: 4999,
      appMinRemaining: 9999,
    });
  });
});
