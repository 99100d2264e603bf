import { Clock, TimerHandle } from '../core/clock';
import { newEntropy } from '../core/ids';
import { xeroUtcTimestamp } from '../core/ms-date';
import { WebhookConfig } from '../config/sandbox-options';
import { signWebhookBody } from './webhook-signature';

export interface WebhookEvent {
  resourceUrl: string;
  resourceId: string;
  eventDateUtc: string;
  eventType: 'CREATE' | 'UPDATE';
  eventCategory: 'CONTACT';
  tenantId: string;
  tenantType: 'ORGANISATION';
}

export interface WebhookPayload {
  events: WebhookEvent[];
  firstEventSequence: number;
  lastEventSequence: number;
  entropy: string;
}

export interface DeliveryAttempt {
  at: string;
  status?: number;
  error?: string;
}

export interface DeliveryRecord {
  id: number;
  url: string;
  tenantIds: string[];
  body: string;
  signature: string;
  attempts: DeliveryAttempt[];
  state: 'pending' | 'delivered' | 'failed';
}

export type HttpPost = (
  url: string,
  body: string,
  headers: Record<string, string>,
  timeoutMs: number,
) => Promise<{ status: number }>;

export const fetchPost: HttpPost = async (url, body, headers, timeoutMs) => {
  const res = await fetch(url, {
    method: 'POST',
    body,
    headers,
    signal: AbortSignal.timeout(timeoutMs),
  });
  await res.arrayBuffer().catch(() => undefined);
  return { status: res.status };
};

interface QueuedEvent {
  url: string;
  event: Omit<WebhookEvent, 'resourceUrl'> & { resourceUrl?: string };
}

/**
 * Delivers contact events the way Xero does: batched per subscription (URL), signed with the webhook key,
 * numbered with increasing sequence numbers, and retried with backoff when the receiver does not answer 200
 * (bounded by `retryDelaysMs`, where Xero keeps trying for 24 hours).
 */
export class WebhookDispatcher {
  private queue: QueuedEvent[] = [];
  private flushTimer?: TimerHandle;
  private readonly retryTimers = new Set<TimerHandle>();
  private readonly inFlight = new Set<Promise<void>>();
  private sequences = new Map<string, number>();
  private deliveries: DeliveryRecord[] = [];
  private nextDeliveryId = 1;
  private stopped = false;

  constructor(
    private readonly clock: Clock,
    private config: WebhookConfig,
    private readonly apiBaseUrl: () => string,
    private readonly urlFor: (tenantId: string) => string | undefined,
    private readonly post: HttpPost = fetchPost,
  ) {}

  getConfig(): WebhookConfig {
    return { ...this.config, retryDelaysMs: [...this.config.retryDelaysMs] };
  }

  setConfig(patch: Partial<WebhookConfig>): WebhookConfig {
    this.config = { ...this.config, ...patch };
    return this.getConfig();
  }

  get key(): string {
    return this.config.key;
  }

  /** Queues an event; it goes out with the others raised within `batchDelayMs`. */
  enqueue(change: {
    tenantId: string;
    contactId: string;
    eventType: 'CREATE' | 'UPDATE';
    at: number;
  }): void {
    if (this.stopped) return;
    const url = this.urlFor(change.tenantId) ?? this.config.defaultUrl;
    if (!url) return;
    this.queue.push({
      url,
      event: {
        resourceId: change.contactId,
        eventDateUtc: xeroUtcTimestamp(change.at),
        eventType: change.eventType,
        eventCategory: 'CONTACT',
        tenantId: change.tenantId,
        tenantType: 'ORGANISATION',
      },
    });
    if (!this.flushTimer) {
      this.flushTimer = this.clock.setTimeout(() => {
        this.flushTimer = undefined;
        this.flushQueue();
      }, this.config.batchDelayMs);
    }
  }

  private flushQueue(): void {
    const queued = this.queue;
    this.queue = [];
    const byUrl = new Map<string, QueuedEvent[]>();
    for (const q of queued) byUrl.set(q.url, [...(byUrl.get(q.url) ?? []), q]);
    for (const [url, items] of byUrl) {
      const first = (this.sequences.get(url) ?? 0) + 1;
      const last = first + items.length - 1;
      this.sequences.set(url, last);
      const payload: WebhookPayload = {
        events: items.map((q) => ({
          resourceUrl: `${this.apiBaseUrl()}/api.xro/2.0/Contacts/${q.event.resourceId}`,
          resourceId: q.event.resourceId,
          eventDateUtc: q.event.eventDateUtc,
          eventType: q.event.eventType,
          eventCategory: q.event.eventCategory,
          tenantId: q.event.tenantId,
          tenantType: q.event.tenantType,
        })),
        firstEventSequence: first,
        lastEventSequence: last,
        entropy: newEntropy(),
      };
      const body = JSON.stringify(payload);
      const record: DeliveryRecord = {
        id: this.nextDeliveryId++,
        url,
        tenantIds: [...new Set(items.map((i) => i.event.tenantId))],
        body,
        signature: signWebhookBody(body, this.config.key),
        attempts: [],
        state: 'pending',
      };
      this.deliveries.push(record);
      if (this.deliveries.length > 1000) this.deliveries.shift();
      this.attempt(record);
    }
  }

  private attempt(record: DeliveryRecord): void {
    const p = (async () => {
      const at = xeroUtcTimestamp(this.clock.now());
      try {
        const res = await this.post(
          record.url,
          record.body,
          {
            'content-type': 'application/json; charset=utf-8',
            'x-xero-signature': record.signature,
          },
          this.config.timeoutMs,
        );
        record.attempts.push({ at, status: res.status });
        if (res.status === 200) {
          record.state = 'delivered';
          return;
        }
      } catch (e) {
        record.attempts.push({
          at,
          error: e instanceof Error ? e.message : String(e),
        });
      }
      const retryIndex = record.attempts.length - 1;
      if (this.stopped || retryIndex >= this.config.retryDelaysMs.length) {
        record.state = 'failed';
        return;
      }
      const timer = this.clock.setTimeout(() => {
        this.retryTimers.delete(timer);
        this.attempt(record);
      }, this.config.retryDelaysMs[retryIndex]);
      this.retryTimers.add(timer);
    })();
    this.inFlight.add(p);
    void p.finally(() => this.inFlight.delete(p));
  }

  /** Sends whatever is queued now and waits for the deliveries under way (not for scheduled retries). */
  async flush(): Promise<void> {
    this.flushTimer?.cancel();
    this.flushTimer = undefined;
    if (this.queue.length > 0) this.flushQueue();
    while (this.inFlight.size > 0) await Promise.all([...this.inFlight]);
  }

  /**
   * Xero's "intent to receive" check: one correctly signed and one wrongly signed delivery with no events.
   * The receiver passes when it answers 200 to the first and 401 to the second.
   */
  async intentToReceive(url: string): Promise<{
    ok: boolean;
    correctlySigned?: number;
    incorrectlySigned?: number;
    error?: string;
  }> {
    const send = async (key: string) => {
      const body = JSON.stringify({
        events: [],
        firstEventSequence: 0,
        lastEventSequence: 0,
        entropy: newEntropy(),
      });
      const res = await this.post(
        url,
        body,
        {
          'content-type': 'application/json; charset=utf-8',
          'x-xero-signature': signWebhookBody(body, key),
        },
        this.config.timeoutMs,
      );
      return res.status;
    };
    try {
      const correctlySigned = await send(this.config.key);
      const incorrectlySigned = await send(`${this.config.key}-wrong`);
      return {
        ok: correctlySigned === 200 && incorrectlySigned === 401,
        correctlySigned,
        incorrectlySigned,
      };
    } catch (e) {
      return { ok: false, error: e instanceof Error ? e.message : String(e) };
    }
  }

  listDeliveries(tenantId?: string): DeliveryRecord[] {
    return this.deliveries
      .filter((d) => !tenantId || d.tenantIds.includes(tenantId))
      .map((d) => ({ ...d, attempts: [...d.attempts] }));
  }

  clearDeliveries(): void {
    this.deliveries = [];
  }

  reset(): void {
    this.flushTimer?.cancel();
    this.flushTimer = undefined;
    for (const t of this.retryTimers) t.cancel();
    this.retryTimers.clear();
    this.queue = [];
    this.deliveries = [];
    this.sequences.clear();
  }

  stop(): void {
    this.stopped = true;
    this.reset();
  }
}
