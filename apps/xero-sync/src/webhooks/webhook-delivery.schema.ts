import { StoredDoc, collectionOf, docRef } from '@pos/persistence';
import { Schema } from 'mongoose';

/** One contact event of a delivery, as Xero sends it (xero-webhooks.yaml). */
export interface XeroWebhookEvent {
  resourceUrl?: string;
  resourceId: string;
  eventDateUtc?: string;
  eventType: string;
  eventCategory: string;
  tenantId: string;
  tenantType?: string;
}

/**
 * A webhook delivery, stored before it is answered and worked through afterwards (any worker claims
 * it; a claim a crashed worker left expires).
 */
export interface WebhookDeliveryDoc extends StoredDoc {
  events: XeroWebhookEvent[];
  receivedAt: Date;
  /** Set once every event has been handled; the delivery is kept for a while for inspection. */
  processedAt?: Date | null;
  claim?: { owner: string; until: Date } | null;
  attempts: number;
  lastError?: string;
}

export const WEBHOOK_DELIVERIES = 'xero_webhook_deliveries';

export const WebhookDeliverySchema = new Schema<WebhookDeliveryDoc>(
  {
    _id: { type: String, required: true },
    rev: { type: Number, required: true },
    events: { type: Schema.Types.Mixed, default: [] },
    receivedAt: { type: Date, required: true },
    processedAt: { type: Date, default: null },
    claim: { type: Schema.Types.Mixed },
    attempts: { type: Number, default: 0 },
    lastError: String,
  },
  { collection: WEBHOOK_DELIVERIES, timestamps: true, versionKey: false, minimize: false },
);
WebhookDeliverySchema.index({ processedAt: 1, receivedAt: 1 });

export const WebhookDeliveries = collectionOf<WebhookDeliveryDoc>(WEBHOOK_DELIVERIES);
export const webhookDeliveryRef = (id: string) => docRef(WebhookDeliveries, id);
