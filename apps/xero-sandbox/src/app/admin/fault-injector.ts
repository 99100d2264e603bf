import { LimitProblem } from '../limits/rate-limiter';

export interface FaultConfig {
  /** Only calls for this tenant are affected (all tenants when absent). */
  tenantId?: string;
  /** Share (0..1) of calls answered with `errorStatus` instead of being processed. */
  errorRate?: number;
  /** The next N calls are answered with `errorStatus`. */
  failNext?: number;
  /** 500 or 503 (default 503). */
  errorStatus?: 500 | 503;
  /**
   * Share of calls / next N calls answered 500 *after* the write happened (a write is processed, then
   * the reply is Xero's 500; a GET is simply answered 500). With an Idempotency-Key the 500 is remembered.
   */
  failAfterWriteRate?: number;
  failAfterWriteNext?: number;
  /** Added before processing, holding the call's concurrency slot. */
  latencyMs?: number;
  /** Share of calls that never get an answer (until the client gives up or the sandbox stops). */
  hangRate?: number;
  hangNext?: number;
  /** The next N calls are refused with 429 whatever the counters say. */
  force429Next?: number;
  force429Rate?: number;
  force429Problem?: LimitProblem;
  force429RetryAfterSec?: number;
  /** Share of calls / next N calls that are processed (the write happens) but whose reply is lost. */
  lostReplyRate?: number;
  lostReplyNext?: number;
}

export interface FaultDecision {
  force429?: { problem: LimitProblem; retryAfterSec: number };
  error?: 500 | 503;
  /** The error comes after the write (failAfterWrite*). */
  errorAfterWrite?: boolean;
  latencyMs: number;
  hang: boolean;
  lostReply: boolean;
}

/**
 * Injected faults for the Accounting API: errors (before or after the write), latency, hung calls, forced
 * 429s, lost replies (written, connection dropped before the reply).
 */
export class FaultInjector {
  private config: FaultConfig = {};

  constructor(private readonly random: () => number = Math.random) {}

  get(): FaultConfig {
    return { ...this.config };
  }

  set(config: FaultConfig): FaultConfig {
    for (const k of [
      'errorRate',
      'hangRate',
      'force429Rate',
      'lostReplyRate',
      'failAfterWriteRate',
    ] as const) {
      const v = config[k];
      if (v !== undefined && (typeof v !== 'number' || v < 0 || v > 1))
        throw new Error(`${k} must be between 0 and 1`);
    }
    if (
      config.errorStatus !== undefined &&
      config.errorStatus !== 500 &&
      config.errorStatus !== 503
    ) {
      throw new Error('errorStatus must be 500 or 503');
    }
    this.config = { ...config };
    return this.get();
  }

  clear(): void {
    this.config = {};
  }

  private roll(rate: number | undefined): boolean {
    return !!rate && this.random() < rate;
  }

  private take(
    key:
      | 'failNext'
      | 'hangNext'
      | 'force429Next'
      | 'lostReplyNext'
      | 'failAfterWriteNext',
  ): boolean {
    const n = this.config[key];
    if (n && n > 0) {
      this.config[key] = n - 1;
      return true;
    }
    return false;
  }

  /** Called before admission: only forced 429s. */
  beforeAdmission(tenantId: string): FaultDecision['force429'] {
    const c = this.config;
    if (c.tenantId && c.tenantId !== tenantId) return undefined;
    if (this.take('force429Next') || this.roll(c.force429Rate)) {
      return {
        problem: c.force429Problem ?? 'minute',
        retryAfterSec: c.force429RetryAfterSec ?? 1,
      };
    }
    return undefined;
  }

  /** Called once the call is admitted (it counts against the limits). */
  afterAdmission(tenantId: string): FaultDecision {
    const c = this.config;
    const none: FaultDecision = { latencyMs: 0, hang: false, lostReply: false };
    if (c.tenantId && c.tenantId !== tenantId) return none;
    const decision: FaultDecision = { ...none, latencyMs: c.latencyMs ?? 0 };
    if (this.take('hangNext') || this.roll(c.hangRate))
      return { ...decision, hang: true };
    if (this.take('failNext') || this.roll(c.errorRate))
      return { ...decision, error: c.errorStatus ?? 503 };
    if (this.take('failAfterWriteNext') || this.roll(c.failAfterWriteRate))
      return { ...decision, error: 500, errorAfterWrite: true };
    if (this.take('lostReplyNext') || this.roll(c.lostReplyRate))
      return { ...decision, lostReply: true };
    return decision;
  }
}
