/** Timestamps of admitted calls, oldest first; counts the calls inside a rolling window. */
export class SlidingWindow {
  private times: number[] = [];
  private head = 0;

  /** Calls in (now - windowMs, now]. Drops older entries. */
  count(now: number, windowMs: number): number {
    const cutoff = now - windowMs;
    while (this.head < this.times.length && this.times[this.head] <= cutoff)
      this.head++;
    if (this.head > 1024 && this.head * 2 > this.times.length) {
      this.times = this.times.slice(this.head);
      this.head = 0;
    }
    return this.times.length - this.head;
  }

  /** When the window has room for `limit` calls again: the time the oldest counted call leaves it. */
  freeAt(now: number, windowMs: number, limit: number): number {
    const n = this.count(now, windowMs);
    if (n < limit) return now;
    // The (n - limit + 1)-th oldest call has to leave the window.
    return this.times[this.head + (n - limit)] + windowMs;
  }

  add(now: number): void {
    this.times.push(now);
  }
}
