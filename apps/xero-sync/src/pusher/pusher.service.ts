import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import {
  AppBudget,
  LedgerEntry,
  PushOp,
  PushPlan,
  SyncError,
  TenantBudget,
  applyFailure,
  applySuccess,
  backoffMs,
  batches,
  classifyReply,
  matchElements,
  planPush,
  rateLimitWait,
  readLimitHeaders,
} from '@pos/sync-domain';
import { RequestContext } from '@pos/service-kit';
import { randomUUID } from 'node:crypto';
import { XERO_SYNC_CONFIG } from '../config/config.tokens';
import { XeroSyncConfig } from '../config/xero-sync.config';
import { ConnectionsService, NotConnected, TenantAccess } from '../connections/connections.service';
import { ImportPager } from '../imports/import-pager.service';
import { SyncLedgerRepository } from '../ledger/sync-ledger.repository';
import { SyncMetrics } from '../metrics/sync-metrics';
import { ApiReply } from '../xero-client/xero-api';
import { TenantLeases } from './tenant-lease.repository';

/** A lease not renewed for this long is taken over by another worker. */
const LEASE_TTL_MS = 5_000;
/** A cycle stops sending this long before its lease would run out unrenewed. */
const LEASE_SAFETY_MS = 1_500;
/** Customers looked at per push cycle of one tenant. */
const CYCLE_SIZE = 500;
/**
 * Retries of one request on timeouts and network errors (same Idempotency-Key), and re-checked new
 * requests after 5xx (new key), before the cycle gives up for a while.
 */
const SAME_REQUEST_RETRIES = 6;
/** How long a tenant rests after Xero kept failing (its customers show a retrying failure meanwhile). */
const UNAVAILABLE_PAUSE_MS = 15_000;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Waits `ms` in slices of at most `sliceMs`, looking between them whether the cycle may go on:
 * false (at once) when it may not. A stopped loop thus ends within a slice, and the loop started
 * after it for the same tenant (which waits for it) is not held back by its backoffs and budget waits.
 */
async function waitWhileLive(ms: number, live: () => boolean, sliceMs: number): Promise<boolean> {
  const until = Date.now() + ms;
  for (let left = ms; left > 0; left = until - Date.now()) {
    if (!live()) return false;
    await sleep(Math.min(left, sliceMs));
  }
  return live();
}

type Failed<T> = ApiReply<T> & { error?: SyncError };

/**
 * Pushes the ledger to Xero. For each connected tenant exactly one worker pushes at a time (a lease
 * in the database, renewed while the worker lives, taken over within seconds when it dies). A push
 * cycle coalesces everything pending for the tenant, looks up the ContactNumbers of customers without
 * a contact (adopting what exists, so a lost reply never makes a duplicate), and sends 50 contacts per
 * POST /Contacts with summarizeErrors=false and an Idempotency-Key per request, under the tenant's and
 * the app's budgets. Every result goes into the ledger with its report in the same write.
 */
@Injectable()
export class Pusher implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(Pusher.name);
  readonly owner = randomUUID();
  private running = false;
  private loop?: Promise<void>;
  private readonly tenants = new Map<string, { stop: boolean; done: Promise<void> }>();
  /** Until when this worker's lease of each tenant it pushes runs (as of the last renewal). */
  private readonly heldUntil = new Map<string, number>();
  /** Loops told to stop that may still be finishing a cycle. */
  private readonly stopping = new Map<string, Promise<void>>();
  /** Tenants handed back whose loop has ended: the supervisor releases their leases (unless it took them again). */
  private readonly toRelease = new Set<string>();
  private readonly budgets = new Map<string, TenantBudget>();
  private readonly app = new AppBudget();
  private readonly pausedUntil = new Map<string, number>();
  /** The check for imports of retailers no longer connected, while it runs, and when it last started. */
  private importCheck?: Promise<void>;
  private importCheckedAt = 0;
  /** Per `retailer:customer` waiting, the correlation id of the newest change (kept to the waiting ones). */
  private readonly correlationIds = new Map<string, string>();

  constructor(
    private readonly ledger: SyncLedgerRepository,
    private readonly connections: ConnectionsService,
    private readonly leases: TenantLeases,
    private readonly metrics: SyncMetrics,
    @Inject(XERO_SYNC_CONFIG) private readonly config: XeroSyncConfig,
    private readonly imports: ImportPager,
  ) {
    connections.onRefresh = (outcome) => metrics.tokenRefreshes.inc({ outcome });
  }

  onApplicationBootstrap() {
    this.running = true;
    this.loop = this.supervise();
  }

  async beforeApplicationShutdown() {
    this.running = false;
    await this.loop;
    await this.importCheck;
    for (const t of this.tenants.values()) t.stop = true;
    await Promise.all([...this.tenants.values()].map((t) => t.done).concat([...this.stopping.values()]));
    const held = new Set([...this.tenants.keys(), ...this.toRelease]);
    await Promise.all([...held].map((id) => this.leases.release(id, this.owner).catch(() => undefined)));
  }

  /** Takes and renews tenant leases, starting a push loop for each tenant held, and spreads tenants over the workers. */
  private async supervise() {
    while (this.running) {
      try {
        await this.leases.heartbeat(this.owner, LEASE_TTL_MS);
        await this.releaseHandedBack();
        const connected = await this.connections.connected();
        const workers = Math.max(1, await this.leases.liveWorkers());
        this.app.share(workers); // the workers together stay under the app's limit
        const share = Math.ceil(connected.length / workers);
        for (const c of connected) {
          const mine = this.tenants.has(c.retailerId);
          if (!mine && this.tenants.size >= share) continue;
          const at = Date.now();
          const held = await this.leases.acquire(c.retailerId, this.owner, LEASE_TTL_MS, at);
          if (held) this.heldUntil.set(c.retailerId, at + LEASE_TTL_MS);
          if (held && !mine) this.startTenant(c.retailerId);
          if (!held && mine) this.stopTenant(c.retailerId);
        }
        // more than a fair share (a worker joined): hand one tenant back per round
        if (this.tenants.size > share) this.stopTenant([...this.tenants.keys()][0], true);
        for (const id of this.tenants.keys()) if (!connected.some((c) => c.retailerId === id)) this.stopTenant(id, true);
        this.metrics.tenantsLeased.set({ worker: this.owner }, this.tenants.size);
        // imports of retailers whose connection is gone have no loop to page them: they fail, saying
        // why (checked once a lease period, beside the round: lease renewals never wait for it)
        if (!this.importCheck && Date.now() - this.importCheckedAt >= LEASE_TTL_MS) {
          this.importCheckedAt = Date.now();
          this.importCheck = this.imports
            .failUnconnected(new Set(connected.map((c) => c.retailerId)))
            .catch((err) => this.logger.warn(`imports of unconnected retailers: ${(err as Error).message}`))
            .finally(() => (this.importCheck = undefined));
        }
      } catch (err) {
        this.logger.warn(`pusher supervision: ${(err as Error).message}`);
      }
      await sleep(Math.min(this.config.PUSH_POLL_MS, LEASE_TTL_MS / 5));
    }
  }

  /**
   * Releases the leases of tenants handed back, once their loops have ended. Done here, between the
   * supervisor's own acquires, so a release can never land after this worker took the tenant again
   * (a reconnect, a lease regained) and drop the lease the new loop pushes under.
   */
  private async releaseHandedBack() {
    for (const id of [...this.toRelease]) {
      this.toRelease.delete(id);
      if (!this.tenants.has(id) && !this.stopping.has(id)) await this.leases.release(id, this.owner);
    }
  }

  private startTenant(retailerId: string) {
    const previous = this.stopping.get(retailerId) ?? Promise.resolve();
    const t = { stop: false, done: Promise.resolve() };
    const live = () => this.running && !t.stop && this.stillHeld(retailerId);
    t.done = (async () => {
      await previous; // a loop of this tenant that was just stopped finishes its cycle first: pushes never overlap
      while (this.running && !t.stop) {
        let worked = false;
        try {
          const pause = (this.pausedUntil.get(retailerId) ?? 0) - Date.now();
          if (pause > 0) await sleep(Math.min(pause, this.config.PUSH_POLL_MS));
          else {
            // push cycles and import pages take turns on the tenant's budget: neither starves the other
            worked = await this.pushOnce(retailerId, live);
            if (live()) worked = (await this.imports.pageOnce(retailerId, (op, fn) => this.callTenant(retailerId, op, fn, live), live)) || worked;
          }
        } catch (err) {
          this.logger.warn(`push of ${retailerId}: ${(err as Error).message}`);
        }
        // a cycle cut short because the lease looked stale did nothing: wait for the supervisor's renewal
        if (worked && this.stillHeld(retailerId)) continue;
        if (this.running && !t.stop) await sleep(this.config.PUSH_POLL_MS);
      }
    })();
    this.tenants.set(retailerId, t);
  }

  /**
   * Whether this worker's lease is safely ahead of its expiry: a cycle sends nothing more once it is
   * not (the supervisor could not renew it in time, so another worker may take the tenant over).
   */
  private stillHeld(retailerId: string): boolean {
    return (this.heldUntil.get(retailerId) ?? 0) - LEASE_SAFETY_MS > Date.now();
  }

  /** Whether this worker holds the tenant's lease now (the poll for missed webhooks runs only there). */
  holds(retailerId: string): boolean {
    return this.tenants.has(retailerId) && this.stillHeld(retailerId);
  }

  private stopTenant(retailerId: string, release = false) {
    const t = this.tenants.get(retailerId);
    if (!t) return;
    t.stop = true;
    this.tenants.delete(retailerId);
    this.stopping.set(retailerId, t.done);
    void t.done.finally(() => {
      if (this.stopping.get(retailerId) === t.done) this.stopping.delete(retailerId);
    });
    if (release) void t.done.finally(() => this.toRelease.add(retailerId));
  }

  private budget(retailerId: string): TenantBudget {
    let b = this.budgets.get(retailerId);
    if (!b) this.budgets.set(retailerId, (b = new TenantBudget()));
    return b;
  }

  /** One push cycle for a tenant; true when it did something (then the next starts at once). */
  async pushOnce(retailerId: string, live: () => boolean = () => true): Promise<boolean> {
    const { entries, oldest, correlationIds } = await this.ledger.waiting(retailerId, CYCLE_SIZE);
    for (const [customerId, id] of correlationIds) this.correlationIds.set(`${retailerId}:${customerId}`, id);
    this.metrics.backlog.set({ retailer: retailerId }, entries.length);
    this.metrics.oldestPending.set({ retailer: retailerId }, oldest ? (Date.now() - oldest.getTime()) / 1000 : 0);
    if (!entries.length) return false;
    let access: { a: TenantAccess };
    try {
      access = { a: await this.connections.access(retailerId) };
    } catch (err) {
      if (err instanceof NotConnected) return false; // everything stays pending until the retailer reconnects
      throw err;
    }
    const byCustomer = new Map(entries.map((e) => [e.customerId, e]));
    let plans: PushPlan[] = entries.map((e) => planPush(e));

    // customers without a contact: look their ContactNumber up first (adopt, never duplicate)
    const lookups = plans.filter((p): p is Extract<PushPlan, { kind: 'lookup' }> => p.kind === 'lookup');
    const found = new Map<string, string | null>();
    for (const batch of batches(lookups)) {
      if (!live()) return true;
      const r = await this.call(
        retailerId,
        access,
        'get_contacts',
        (a) => this.connections.xero.contactsByNumbers(a.accessToken, a.tenantId, batch.map((l) => l.contactNumber)),
        live,
      );
      if (!r.ok) return this.failCycle(retailerId, batch, r.error);
      for (const l of batch) {
        const hit = r.body?.Contacts?.find((c) => c.ContactNumber === l.contactNumber);
        found.set(l.customerId, hit?.ContactID ?? null);
      }
    }
    plans = plans.map((p) => (p.kind === 'lookup' ? planPush(byCustomer.get(p.customerId) as LedgerEntry, found.get(p.customerId)) : p));

    const at = () => new Date().toISOString();
    for (const p of plans) {
      if (p.kind === 'report') await this.apply(retailerId, p.customerId, (e) => applySuccess(e, p, at()));
    }
    const ops = plans.filter((p): p is PushOp => p.kind === 'push');
    await Promise.all(batches(ops).map((batch) => this.pushBatch(retailerId, access, batch, byCustomer, live)));
    return true;
  }

  /**
   * Looks up the ContactNumbers of the batch's creates again (after a 5xx Xero may have created them
   * after all) and re-plans those it finds as updates of the contact found. Undefined when the look-up
   * itself failed (the failure has then been recorded).
   */
  private async recheck(retailerId: string, access: { a: TenantAccess }, ops: PushOp[], byCustomer: Map<string, LedgerEntry>, live: () => boolean): Promise<PushOp[] | undefined> {
    const creates = ops.filter((o) => !o.contactId);
    if (!creates.length) return ops;
    const numbers = creates.map((o) => String(o.contact.ContactNumber));
    const r = await this.call(retailerId, access, 'get_contacts', (a) => this.connections.xero.contactsByNumbers(a.accessToken, a.tenantId, numbers), live);
    if (!r.ok) {
      await this.failCycle(retailerId, ops, r.error);
      return undefined;
    }
    const replanned: PushOp[] = [];
    const at = new Date().toISOString();
    for (const op of ops) {
      const hit = op.contactId ? undefined : r.body?.Contacts?.find((c) => c.ContactNumber === op.contact.ContactNumber)?.ContactID;
      if (!hit) {
        replanned.push(op);
        continue;
      }
      const p = planPush(byCustomer.get(op.customerId) as LedgerEntry, hit);
      if (p.kind === 'push') replanned.push(p);
      else if (p.kind === 'report') await this.apply(retailerId, p.customerId, (e) => applySuccess(e, p, at));
    }
    return replanned;
  }

  private async pushBatch(retailerId: string, access: { a: TenantAccess }, batch: PushOp[], byCustomer: Map<string, LedgerEntry>, live: () => boolean) {
    let ops = batch;
    for (let round = 0; ; round++) {
      if (!live() || !ops.length) return;
      // this request's key: reused by its retries after a lost reply, new after a 5xx (Xero would replay it)
      const idempotencyKey = randomUUID();
      for (const op of ops) {
        RequestContext.run(this.correlationIds.get(`${retailerId}:${op.customerId}`), () =>
          this.logger.debug(`sending ${op.customerId} v${op.version} (${op.fields.join(', ')}) in request ${idempotencyKey}`),
        );
      }
      const sending = ops;
      const r = await this.call(
        retailerId,
        access,
        'post_contacts',
        (a) => this.connections.xero.updateOrCreateContacts(a.accessToken, a.tenantId, sending.map((o) => o.contact), idempotencyKey),
        live,
      );
      if (r.ok) return this.recordResults(retailerId, ops, r.body?.Contacts ?? [], access);
      if (r.error?.retry === 'recheck' && round < SAME_REQUEST_RETRIES) {
        this.logger.warn(`Xero answered ${r.status} to request ${idempotencyKey}; checking what it holds before a new request`);
        if (!(await waitWhileLive(backoffMs(round, Math.random()), live, this.config.PUSH_POLL_MS))) return;
        const rechecked = await this.recheck(retailerId, access, ops, byCustomer, live);
        if (!rechecked) return;
        ops = rechecked;
        continue;
      }
      await this.failCycle(retailerId, ops, r.error);
      return;
    }
  }

  /**
   * Set by the checks of Xero-side changes: given contacts Xero refused as archived, relinks the
   * customers of those that were merged into another and answers their ids.
   */
  onArchived?: (retailerId: string, access: { a: TenantAccess }, contactIds: string[]) => Promise<Set<string>>;

  /** Each element of Xero's reply is one ledger write (with its result event). */
  private async recordResults(retailerId: string, ops: PushOp[], elements: Parameters<typeof matchElements>[1], access?: { a: TenantAccess }) {
    const results = matchElements(ops, elements);
    const archived = ops.filter((op) => {
      const res = results.get(op);
      return !!op.contactId && !!res && !res.ok && res.error.kind === 'archived';
    });
    let merged = new Set<string>();
    if (archived.length && access && this.onArchived) {
      merged = await this.onArchived(retailerId, access, archived.map((op) => String(op.contactId))).catch((err) => {
        this.logger.warn(`could not check whether archived contacts were merged: ${(err as Error).message}`);
        return new Set<string>();
      });
    }
    await Promise.all(
      ops.map((op) => {
        const res = results.get(op);
        if (!res) return undefined; // not in the reply: the next cycle pushes it again
        // refused because Xero merged the contact: relinked, the next cycle pushes to the surviving contact
        if (!res.ok && op.contactId && merged.has(op.contactId)) return undefined;
        if (res.ok) return this.apply(retailerId, op.customerId, (e) => applySuccess(e, op, new Date().toISOString(), res.contactId));
        return this.apply(retailerId, op.customerId, (e) => applyFailure(e, op, res.error, new Date().toISOString()));
      }),
    );
  }

  /** The whole request failed for good, or kept failing: every customer in it gets the failure. */
  private async failCycle(retailerId: string, items: { customerId: string; version: number; fields?: PushOp['fields'] }[], error?: SyncError): Promise<boolean> {
    if (!error) return true;
    // Xero kept failing, or the day budget is spent: rest this tenant (only this one) until then;
    // an expired connection needs no pause, the next cycle finds it not connected
    if (error.kind === 'unavailable' || error.kind === 'rate_limited') {
      const until = error.retryAt ? Date.parse(error.retryAt) : Date.now() + UNAVAILABLE_PAUSE_MS;
      this.pausedUntil.set(retailerId, Math.max(until, Date.now() + 1000));
    }
    await Promise.all(items.map((i) => this.apply(retailerId, i.customerId, (e) => applyFailure(e, i, error, new Date().toISOString()))));
    return true;
  }

  /** Writes a result under the change's correlation id, so its log lines and its event carry it on. */
  private apply(retailerId: string, customerId: string, rule: Parameters<SyncLedgerRepository['apply']>[2]) {
    return RequestContext.run(this.correlationIds.get(`${retailerId}:${customerId}`), () => this.applyInContext(retailerId, customerId, rule));
  }

  private async applyInContext(retailerId: string, customerId: string, rule: Parameters<SyncLedgerRepository['apply']>[2]) {
    const report = await this.ledger.apply(retailerId, customerId, rule);
    if (report && (report.outcome === 'succeeded' || !report.retrying)) this.correlationIds.delete(`${retailerId}:${customerId}`);
    if (report) {
      this.logger.log(
        report.outcome === 'succeeded'
          ? `pushed ${customerId} v${report.version} to Xero contact ${report.contactId} (${report.pushedFields.join(', ') || 'nothing new'})`
          : `push of ${customerId} v${report.version} failed (${report.error.kind}${report.retrying ? ', retrying' : ''}): ${report.error.message}`,
      );
      this.metrics.pushes.inc({ outcome: report.outcome === 'succeeded' ? 'succeeded' : report.retrying ? 'retrying' : report.error.kind });
    }
  }

  /** One Xero call of the tenant (an import page) under the same budgets and retries as its pushes. */
  private async callTenant<T>(retailerId: string, operation: string, fn: (a: TenantAccess) => Promise<ApiReply<T>>, live: () => boolean): Promise<Failed<T>> {
    try {
      return await this.call(retailerId, { a: await this.connections.access(retailerId) }, operation, fn, live);
    } catch (err) {
      if (!(err instanceof NotConnected)) throw err;
      return { ok: false, status: undefined, error: { kind: 'not_connected', message: err.message, hint: 'Reconnect Xero from the POS settings.', retry: 'later' } };
    }
  }

  /**
   * One Xero call under the budgets, with the retries the reply asks for: the same request again
   * after 5xx/timeouts (backoff with jitter) and after a minute or concurrency 429, a refreshed
   * token after a 401. Returns the reply, with `error` set when it did not succeed. Also used by the
   * checks of Xero-side changes, so every call to a tenant shares its limits.
   */
  async call<T>(
    retailerId: string,
    access: { a: TenantAccess },
    operation: string,
    fn: (a: TenantAccess) => Promise<ApiReply<T>>,
    live: () => boolean = () => true,
  ): Promise<Failed<T>> {
    const budget = this.budget(retailerId);
    let refreshed = false;
    for (let attempt = 0; ; attempt++) {
      const started = Date.now();
      // not sent (no error to record): the loop was stopped or the lease may be gone, the next holder pushes it
      const stopped = { ok: false, status: undefined, networkError: 'stopped before sending' } as const;
      for (;;) {
        const wait = Math.max(budget.waitMs(Date.now()), this.app.waitMs(Date.now()));
        if (wait <= 0) break;
        if (!(await waitWhileLive(wait, live, this.config.PUSH_POLL_MS))) return stopped;
      }
      this.metrics.limiterWait.observe((Date.now() - started) / 1000);
      if (!live()) return stopped;
      const sentAt = Date.now();
      budget.start(sentAt);
      this.app.start(sentAt);
      const r = await fn(access.a);
      const limits = readLimitHeaders(r.headers);
      budget.finish(Date.now(), limits);
      this.app.finish(Date.now(), limits);
      this.metrics.xeroCalls.inc({ operation, status: String(r.status ?? 'network') });
      if (r.ok) return r;
      const error = classifyReply(r, new Date());
      if (r.status === 429) {
        // refused, not counted by Xero: only the pause it asks for applies
        budget.refused(sentAt);
        this.app.refused(sentAt);
        const { problem, waitMs } = rateLimitWait(r, new Date());
        this.metrics.rateLimited.inc({ problem });
        budget.onRateLimited(Date.now(), problem, waitMs);
        if (problem === 'appminute') this.app.onRateLimited(Date.now(), waitMs);
        if (problem === 'day') return { ...r, error };
        continue; // the budget now waits as long as Xero asked
      }
      // a 5xx to a look-up (no Idempotency-Key) is simply asked again; the pusher re-checks a POST's
      const again = error.retry === 'same_request' || (error.retry === 'recheck' && operation !== 'post_contacts');
      if (again && attempt < SAME_REQUEST_RETRIES) {
        if (!(await waitWhileLive(backoffMs(attempt, Math.random()), live, this.config.PUSH_POLL_MS))) return stopped;
        continue;
      }
      if (error.retry === 'refresh' && !refreshed) {
        refreshed = true;
        try {
          access.a = await this.connections.access(retailerId, { rejected: access.a.accessToken });
          continue;
        } catch (err) {
          if (!(err instanceof NotConnected)) throw err;
          return { ...r, error: { kind: 'auth', message: err.message, hint: 'Reconnect Xero from the POS settings.', retry: 'later' } };
        }
      }
      if (error.kind === 'not_connected' || error.kind === 'auth') await this.connections.markExpired(retailerId, `Xero answered ${r.status}`);
      return { ...r, error };
    }
  }
}
