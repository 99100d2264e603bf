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

/** What the receiver answered: its status, how many body bytes it sent, whether it set a cookie. */
export interface ReceiverReply {
  status: number;
  bodyLength?: number;
  setsCookie?: boolean;
}

export type HttpPost = (
  url: string,
  body: string,
  headers: Record<string, string>,
  timeoutMs: number,
) => Promise<ReceiverReply>;

/** Posts with a deadline covering the whole reply, body included (Xero waits 5 seconds). */
export const fetchPost: HttpPost = async (url, body, headers, timeoutMs) => {
  const signal = AbortSignal.timeout(timeoutMs);
  const res = await fetch(url, { method: 'POST', body, headers, signal });
  const received = await res.arrayBuffer();
  return {
    status: res.status,
    bodyLength: received.byteLength,
    setsCookie: res.headers.has('set-cookie'),
  };
};

/**
 * Xero's rule for a receiver ("Configuring your server" in its webhooks guide): it "responds within 5
 * seconds with a 200 O.K status code", "there is no body in the response" and "there are no cookies in
 * the response headers". Anything else is a failed delivery. (The 5 seconds are `timeoutMs`.)
 */
export function acceptedByXero(reply: ReceiverReply): boolean {
  return (
    reply.status === 200 && (reply.bodyLength ?? 0) === 0 && !reply.setsCookie
  );
}

function describeReply(reply: ReceiverReply): string | undefined {
  if (reply.status !== 200) return undefined;
  if (reply.bodyLength) return `200 with a ${reply.bodyLength}-byte body`;
  if (reply.setsCookie) return '200 with a cookie';
  return undefined;
}

export interface SubscriptionState {
  url: string;
  status: 'OK' | 'DISABLED';
  disabledAt?: string;
}

interface QueuedEvent {
  url: string;
  event: Omit<WebhookEvent, 'resourceUrl'> & { resourceUrl?: string };
}

/**
 * Delivers contact events the way Xero does: batched per subscription (URL), signed with the webhook key,
 * numbered with increasing sequence numbers, and retried with backoff until the receiver answers as Xero
 * requires (`acceptedByXero`). When the retries are exhausted (`retryDelaysMs`; Xero keeps trying for 24
 * hours) the subscription is disabled: "After 24 hours the webhook will be disabled and needs to be
 * re-enabled". A disabled subscription receives nothing until a passing intent-to-receive re-enables it.
 */
export class WebhookDispatcher {
  private queue: QueuedEvent[] = [];
  private flushTimer?: TimerHandle;
  private readonly retryTimers = new Set<TimerHandle>();
  private readonly inFlight = new Set<Promise<void>>();
  private sequences = new Map<string, number>();
  /** Disabled subscriptions (by URL) and when they were disabled. */
  private disabled = new Map<string, string>();
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
    if (!url || this.disabled.has(url)) return;
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
        const problem = describeReply(res);
        record.attempts.push({
          at,
          status: res.status,
          ...(problem ? { error: `not accepted: ${problem}` } : {}),
        });
        if (acceptedByXero(res)) {
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
        if (!this.stopped && !this.disabled.has(record.url))
          this.disabled.set(record.url, xeroUtcTimestamp(this.clock.now()));
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
   * The receiver passes when it answers the first as every delivery must be answered (200, no body, no
   * cookie, within 5 s) and the second with 401. Passing re-enables a disabled subscription.
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
      return this.post(
        url,
        body,
        {
          'content-type': 'application/json; charset=utf-8',
          'x-xero-signature': signWebhookBody(body, key),
        },
        this.config.timeoutMs,
      );
    };
    try {
      const good = await send(this.config.key);
      const bad = await send(`${this.config.key}-wrong`);
      const ok = acceptedByXero(good) && bad.status === 401;
      if (ok) this.disabled.delete(url);
      const problem = describeReply(good);
      return {
        ok,
        correctlySigned: good.status,
        incorrectlySigned: bad.status,
        ...(problem ? { error: `correctly signed payload: ${problem}` } : {}),
      };
    } catch (e) {
      return { ok: false, error: e instanceof Error ? e.message : String(e) };
    }
  }

  /** Subscriptions the sandbox has tried to deliver to, with their state. */
  listSubscriptions(): SubscriptionState[] {
    const urls = new Set([
      ...this.deliveries.map((d) => d.url),
      ...this.disabled.keys(),
    ]);
    return [...urls].map((url) =>
      this.disabled.has(url)
        ? { url, status: 'DISABLED', disabledAt: this.disabled.get(url) }
        : { url, status: 'OK' },
    );
  }

  isDisabled(url: string): boolean {
    return this.disabled.has(url);
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
    this.disabled.clear();
  }

  stop(): void {
    this.stopped = true;
    this.reset();
  }
}
