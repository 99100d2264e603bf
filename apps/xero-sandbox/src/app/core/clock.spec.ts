import { ManualClock, ScaledClock, sleep } from './clock';

describe('ManualClock', () => {
  it('fires due timers in order as time advances, including timers set by timers', () => {
    const clock = new ManualClock(1000);
    const fired: string[] = [];
    clock.setTimeout(() => fired.push('b@300'), 300);
    clock.setTimeout(() => {
      fired.push('a@100');
      clock.setTimeout(() => fired.push('c@150'), 50);
    }, 100);
    const cancelled = clock.setTimeout(() => fired.push('never'), 200);
    cancelled.cancel();
    clock.advance(250);
    expect(fired).toEqual(['a@100', 'c@150']);
    expect(clock.now()).toBe(1250);
    clock.advance(50);
    expect(fired).toEqual(['a@100', 'c@150', 'b@300']);
    expect(clock.pendingTimers()).toBe(0);
  });

  it('runs zero-delay timers on the next turn without advancing', async () => {
    const clock = new ManualClock(0);
    let done = false;
    void sleep(clock, 0).then(() => (done = true));
    await new Promise((r) => setImmediate(r));
    await Promise.resolve();
    expect(done).toBe(true);
    expect(clock.now()).toBe(0);
  });
});

describe('ScaledClock', () => {
  it('refuses a non-positive factor', () => {
    expect(() => new ScaledClock(0)).toThrow();
  });

  it('starts at the wall clock', () => {
    const c = new ScaledClock(60);
    expect(Math.abs(c.now() - Date.now())).toBeLessThan(60_000);
  });
});
