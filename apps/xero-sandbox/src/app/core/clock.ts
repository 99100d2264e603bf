/**
 * Time source for every rule in the sandbox (token lifetimes, rate-limit windows, idempotency keys,
 * webhook retries, injected latency). Production uses the system clock; tests and benchmarks inject a
 * ManualClock (time moves only when told) or a ScaledClock (time runs faster than the wall clock).
 */
export interface TimerHandle {
  cancel(): void;
}

export interface Clock {
  now(): number;
  setTimeout(fn: () => void, ms: number): TimerHandle;
}

export class SystemClock implements Clock {
  now(): number {
    return Date.now();
  }

  setTimeout(fn: () => void, ms: number): TimerHandle {
    const t = setTimeout(fn, Math.max(0, ms));
    t.unref?.();
    return { cancel: () => clearTimeout(t) };
  }
}

interface ManualTimer {
  id: number;
  at: number;
  fn: () => void;
  cancelled: boolean;
}

/**
 * A clock that only moves when `advance` or `set` is called. Timers due at or before the new time fire in
 * order of due time. A timer of 0 ms (or less) fires on the next turn of the event loop, without advancing.
 */
export class ManualClock implements Clock {
  private current: number;
  private timers: ManualTimer[] = [];
  private nextId = 1;

  constructor(start: number | Date = Date.UTC(2024, 0, 15, 9, 0, 0)) {
    this.current = typeof start === 'number' ? start : start.getTime();
  }

  now(): number {
    return this.current;
  }

  setTimeout(fn: () => void, ms: number): TimerHandle {
    if (ms <= 0) {
      let cancelled = false;
      setImmediate(() => {
        if (!cancelled) fn();
      });
      return { cancel: () => (cancelled = true) };
    }
    const timer: ManualTimer = {
      id: this.nextId++,
      at: this.current + ms,
      fn,
      cancelled: false,
    };
    this.timers.push(timer);
    return { cancel: () => (timer.cancelled = true) };
  }

  /** Moves time forward, firing every timer that falls due on the way (timers set by timers included). */
  advance(ms: number): void {
    const target = this.current + ms;
    for (;;) {
      const due = this.timers
        .filter((t) => !t.cancelled && t.at <= target)
        .sort((a, b) => a.at - b.at || a.id - b.id)[0];
      if (!due) break;
      this.current = Math.max(this.current, due.at);
      due.cancelled = true;
      due.fn();
    }
    this.timers = this.timers.filter((t) => !t.cancelled);
    this.current = target;
  }

  set(time: number | Date): void {
    const t = typeof time === 'number' ? time : time.getTime();
    if (t < this.current) {
      this.current = t;
      return;
    }
    this.advance(t - this.current);
  }

  pendingTimers(): number {
    return this.timers.filter((t) => !t.cancelled).length;
  }
}

/**
 * A clock that runs `factor` times faster than the wall clock, starting from the wall clock's time. Lets a
 * benchmark run an hour of Xero's rules in a minute without changing the rules themselves.
 */
export class ScaledClock implements Clock {
  private readonly startReal = Date.now();

  constructor(private readonly factor: number) {
    if (!(factor > 0)) throw new Error('ScaledClock factor must be > 0');
  }

  now(): number {
    return (
      this.startReal + Math.round((Date.now() - this.startReal) * this.factor)
    );
  }

  setTimeout(fn: () => void, ms: number): TimerHandle {
    const t = setTimeout(fn, Math.max(0, Math.round(ms / this.factor)));
    t.unref?.();
    return { cancel: () => clearTimeout(t) };
  }
}

export function sleep(clock: Clock, ms: number): Promise<void> {
  return new Promise((resolve) => clock.setTimeout(resolve, ms));
}
