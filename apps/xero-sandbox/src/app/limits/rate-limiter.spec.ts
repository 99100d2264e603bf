import { ManualClock } from '../core/clock';
import { DEFAULT_LIMITS } from '../config/sandbox-options';
import { RateLimiter } from './rate-limiter';
import { SlidingWindow } from './sliding-window';

describe('SlidingWindow', () => {
  it('counts calls inside the rolling window and says when room frees up', () => {
    const w = new SlidingWindow();
    for (const t of [0, 10, 20]) w.add(t);
    expect(w.count(20, 100)).toBe(3);
    expect(w.freeAt(20, 100, 3)).toBe(100);
    expect(w.freeAt(20, 100, 2)).toBe(110);
    expect(w.count(100, 100)).toBe(2);
  });
});

describe('RateLimiter', () => {
  it('admits 60 calls per rolling minute per tenant and refuses the 61st with Retry-After', () => {
    const clock = new ManualClock(0);
    const limiter = new RateLimiter(clock, DEFAULT_LIMITS);
    for (let i = 0; i < 60; i++) {
      const a = limiter.admit('t', 'app');
      expect(a.ok).toBe(true);
      if (a.ok) a.release();
      clock.advance(500);
    }
    const refused = limiter.admit('t', 'app');
    expect(refused).toMatchObject({
      ok: false,
      problem: 'minute',
      retryAfterSec: 30,
    });
    expect(limiter.admit('other', 'app').ok).toBe(true);
    clock.advance(30_000);
    expect(limiter.admit('t', 'app').ok).toBe(true);
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
      retryAfterSec: 86_400,
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
