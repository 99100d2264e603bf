import { ManualClock } from '../core/clock';
import { DEFAULT_LIMITS } from '../config/sandbox-options';
import { RateLimiter } from './rate-limiter';
import { FixedWindow } from './fixed-window';

describe('FixedWindow', () => {
  it('counts calls in the fixed window holding now and starts again at zero in the next one', () => {
    const w = new FixedWindow();
    for (const t of [0, 10, 99]) w.add(t, 100);
    expect(w.count(99, 100)).toBe(3);
    expect(w.resetsAt(20, 100)).toBe(100);
    // a rolling window would still hold the calls at 10 and 99; the fixed one has reset
    expect(w.count(100, 100)).toBe(0);
    w.add(150, 100);
    expect(w.count(199, 100)).toBe(1);
    expect(w.resetsAt(199, 100)).toBe(200);
  });
});

describe('RateLimiter', () => {
  it('admits 60 calls per fixed minute per app and tenant, refuses the 61st until the minute turns', () => {
    const clock = new ManualClock(0);
    const limiter = new RateLimiter(clock, DEFAULT_LIMITS);
    for (let i = 0; i < 60; i++) {
      const a = limiter.admit('t', 'app');
      expect(a.ok).toBe(true);
      if (a.ok) a.release();
      clock.advance(500);
    }
    // 30 s into the minute: the window resets at 60 s
    const refused = limiter.admit('t', 'app');
    expect(refused).toMatchObject({
      ok: false,
      problem: 'minute',
      retryAfterSec: 30,
    });
    expect(limiter.admit('other', 'app').ok).toBe(true);
    // another app has its own minute for the same tenant
    expect(limiter.admit('t', 'other-app').ok).toBe(true);
    clock.advance(29_999);
    expect(limiter.admit('t', 'app').ok).toBe(false);
    clock.advance(1);
    const fresh = limiter.admit('t', 'app');
    expect(fresh.ok && fresh.headers['X-MinLimit-Remaining']).toBe('59');
  });

  it('limits calls in flight, released once', () => {
    const limiter = new RateLimiter(new ManualClock(0), DEFAULT_LIMITS);
    const admitted = Array.from({ length: 5 }, () => limiter.admit('t', 'app'));
    expect(limiter.admit('t', 'app')).toMatchObject({
      ok: false,
      problem: 'concurrent',
    });
    const first = admitted[0];
    if (first.ok) {
      first.release();
      first.release();
    }
    expect(limiter.inFlight('t')).toBe(4);
    expect(limiter.admit('t', 'app').ok).toBe(true);
  });

  it('limits per day and per app, and reports remaining calls', () => {
    const limiter = new RateLimiter(new ManualClock(0), {
      ...DEFAULT_LIMITS,
      perDay: 2,
      appPerMinute: 3,
      concurrent: 100,
    });
    const a = limiter.admit('t1', 'app');
    expect(a.ok && a.headers).toEqual({
      'X-MinLimit-Remaining': '59',
      'X-DayLimit-Remaining': '1',
      'X-AppMinLimit-Remaining': '2',
    });
    limiter.admit('t1', 'app');
    expect(limiter.admit('t1', 'app')).toMatchObject({
      ok: false,
      problem: 'day',
      retryAfterSec: 86_400, // the day resets at 00:00 UTC
    });
    limiter.admit('t2', 'app');
    expect(limiter.admit('t3', 'app')).toMatchObject({
      ok: false,
      problem: 'appminute',
    });
    expect(limiter.admit('t3', 'other-app').ok).toBe(true);
  });

  it('refuses invalid configuration', () => {
    const limiter = new RateLimiter(new ManualClock(0), DEFAULT_LIMITS);
    expect(() => limiter.setConfig({ perMinute: -1 })).toThrow();
    expect(limiter.setConfig({ perMinute: 10 }).perMinute).toBe(10);
  });
});
