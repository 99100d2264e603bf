import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { DocumentWrites, UNCHANGED } from '@pos/persistence';
import { Model } from 'mongoose';
import { randomUUID } from 'node:crypto';
import { XERO_SYNC_CONFIG } from '../config/config.tokens';
import { XeroSyncConfig } from '../config/xero-sync.config';
import { ConnectionsService } from '../connections/connections.service';
import { ContactChecker } from '../xero-changes/contact-checker.service';
import { WEBHOOK_DELIVERIES, WebhookDeliveryDoc, XeroWebhookEvent, webhookDeliveryRef } from './webhook-delivery.schema';

/** How long a worker may work on a delivery before another may take it over. */
const CLAIM_MS = 60_000;
/** Deliveries worked through per round. */
const ROUND_SIZE = 20;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * The webhook deliveries, stored durably before Xero is answered, then worked through by whichever
 * worker claims them: events of tenants nobody is connected to are dropped (logged); the contacts
 * named by the others are fetched and checked (ContactChecker). A delivery that fails stays and is
 * tried again in a later round.
 */
@Injectable()
export class WebhookInbox implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(WebhookInbox.name);
  private readonly owner = randomUUID();
  private running = false;
  private loop?: Promise<void>;
  private wake?: () => void;

  constructor(
    @InjectModel(WEBHOOK_DELIVERIES) private readonly model: Model<WebhookDeliveryDoc>,
    private readonly writes: DocumentWrites,
    private readonly connections: ConnectionsService,
    private readonly checker: ContactChecker,
    @Inject(XERO_SYNC_CONFIG) private readonly config: XeroSyncConfig,
  ) {}

  /** Stores a delivery's events; resolves once they are durable (then Xero may be answered). */
  async store(events: XeroWebhookEvent[]): Promise<void> {
    await this.writes.create(webhookDeliveryRef(randomUUID()), { events, receivedAt: new Date(), processedAt: null, claim: null, attempts: 0 });
    this.wake?.();
  }

  onApplicationBootstrap() {
    this.running = true;
    this.loop = this.run();
  }

  async beforeApplicationShutdown() {
    this.running = false;
    this.wake?.();
    await this.loop;
  }

  private async run() {
    while (this.running) {
      let worked = false;
      try {
        worked = await this.processOnce();
      } catch (err) {
        this.logger.warn(`webhook deliveries: ${(err as Error).message}`);
      }
      if (!worked && this.running) {
        await Promise.race([sleep(this.config.PUSH_POLL_MS), new Promise<void>((r) => (this.wake = r))]);
      }
    }
  }

  /** One round: claims waiting deliveries and works them through; true when there was any. */
  async processOnce(): Promise<boolean> {
    const now = new Date();
    const waiting = await this.model
      .find({ processedAt: null })
      .sort({ receivedAt: 1 })
      .limit(ROUND_SIZE)
      .lean<WebhookDeliveryDoc[]>()
      .exec();
    const claimable = waiting.filter((d) => !d.claim || new Date(d.claim.until) < now);
    if (!claimable.length) return false;
    let worked = false;
    for (const d of claimable) {
      const claimed = await this.writes.tryUpdate(webhookDeliveryRef(d._id), (cur) =>
        cur.processedAt || (cur.claim && new Date(cur.claim.until) >= now) ? UNCHANGED : { claim: { owner: this.owner, until: new Date(Date.now() + CLAIM_MS) } },
      );
      if (!claimed || claimed.claim?.owner !== this.owner) continue;
      worked = true;
      try {
        await this.handle(claimed.events);
        await this.writes.update(webhookDeliveryRef(d._id), () => ({ processedAt: new Date(), claim: null }));
      } catch (err) {
        this.logger.warn(`webhook delivery ${d._id} will be tried again: ${(err as Error).message}`);
        await this.writes.update(webhookDeliveryRef(d._id), (cur) => ({ claim: null, attempts: (cur.attempts ?? 0) + 1, lastError: (err as Error).message }));
      }
    }
    return worked;
  }

  private async handle(events: XeroWebhookEvent[]) {
    const byTenant = new Map<string, Set<string>>();
    for (const e of events) {
      if (e.eventCategory !== 'CONTACT') continue;
      let ids = byTenant.get(e.tenantId);
      if (!ids) byTenant.set(e.tenantId, (ids = new Set()));
      ids.add(e.resourceId);
    }
    for (const [tenantId, ids] of byTenant) {
      const retailers = await this.connections.connectedToTenant(tenantId);
      if (!retailers.length) {
        this.logger.log(`dropped ${ids.size} webhook event(s) of tenant ${tenantId}: no retailer is connected to it`);
        continue;
      }
      for (const retailerId of retailers) await this.checker.check(retailerId, [...ids]);
    }
  }
}
