/**
 * A fixed-window counter: calls are counted in the window `[k * windowMs, (k + 1) * windowMs)` that holds
 * the current instant, and the count starts again at zero when the next window begins (on the minute for
 * the minute limit, at 00:00 UTC for the day limit).
 */
export class FixedWindow {
  private windowStart = Number.NEGATIVE_INFINITY;
  private calls = 0;

  private roll(now: number, windowMs: number): void {
    const start = Math.floor(now / windowMs) * windowMs;
    if (start !== this.windowStart) {
      this.windowStart = start;
      this.calls = 0;
    }
  }

  /** Calls counted in the window holding `now`. */
  count(now: number, windowMs: number): number {
    this.roll(now, windowMs);
    return this.calls;
  }

  /** When the window holding `now` ends (and the count resets). */
  resetsAt(now: number, windowMs: number): number {
    this.roll(now, windowMs);
    return this.windowStart + windowMs;
  }

  add(now: number, windowMs: number): void {
    this.roll(now, windowMs);
    this.calls++;
  }
}
