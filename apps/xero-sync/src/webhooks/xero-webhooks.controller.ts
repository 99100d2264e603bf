import { BadRequestException, Controller, Headers, HttpCode, Inject, Logger, Post, RawBodyRequest, Req, UnauthorizedException } from '@nestjs/common';
import { ApiExcludeEndpoint } from '@nestjs/swagger';
import type { Request } from 'express';
import { XERO_SYNC_CONFIG } from '../config/config.tokens';
import { XeroSyncConfig } from '../config/xero-sync.config';
import { SyncMetrics } from '../metrics/sync-metrics';
import { XeroWebhookEvent } from './webhook-delivery.schema';
import { verifyXeroSignature } from './webhook-signature';
import { WebhookInbox } from './webhook-inbox.service';

/**
 * Xero's webhooks (DESIGN §3 flow 6): the signature is checked on the raw body, the delivery is
 * stored, and Xero gets 200 with an empty body at once (an empty delivery is the intent-to-receive
 * handshake); the events are worked through afterwards (WebhookInbox).
 */
@Controller('xero')
export class XeroWebhooksController {
  private readonly logger = new Logger(XeroWebhooksController.name);

  constructor(
    private readonly inbox: WebhookInbox,
    private readonly metrics: SyncMetrics,
    @Inject(XERO_SYNC_CONFIG) private readonly config: XeroSyncConfig,
  ) {}

  @Post('webhooks')
  @HttpCode(200)
  @ApiExcludeEndpoint()
  async receive(@Req() req: RawBodyRequest<Request>, @Headers('x-xero-signature') signature?: string): Promise<void> {
    if (!verifyXeroSignature(req.rawBody ?? Buffer.alloc(0), signature, this.config.XERO_WEBHOOK_KEY)) {
      this.metrics.webhooks.inc({ outcome: 'rejected' });
      this.logger.warn('a webhook delivery with a wrong signature was refused');
      throw new UnauthorizedException('the x-xero-signature header does not match the body');
    }
    const events = readEvents(req.body);
    this.metrics.webhooks.inc({ outcome: 'received' });
    if (events.length) await this.inbox.store(events);
  }
}

/** The delivery's events, or a 400 when the body is not what Xero sends. */
function readEvents(body: unknown): XeroWebhookEvent[] {
  const events = (body as { events?: unknown } | null)?.events;
  if (!Array.isArray(events)) throw new BadRequestException('the body must be a webhook delivery with an events array');
  for (const [i, e] of events.entries()) {
    const ev = e as Record<string, unknown> | null;
    for (const key of ['resourceId', 'eventType', 'eventCategory', 'tenantId']) {
      if (typeof ev?.[key] !== 'string' || !ev[key]) throw new BadRequestException(`events[${i}].${key} must be a non-empty string`);
    }
  }
  return events.map((e: Record<string, string>) => ({
    resourceUrl: e['resourceUrl'],
    resourceId: e['resourceId'],
    eventDateUtc: e['eventDateUtc'],
    eventType: e['eventType'],
    eventCategory: e['eventCategory'],
    tenantId: e['tenantId'],
    tenantType: e['tenantType'],
  }));
}
