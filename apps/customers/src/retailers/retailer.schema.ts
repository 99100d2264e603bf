import { ConnectionStatus } from '@pos/sync-contracts';
import { collectionOf, docRef } from '@pos/persistence';
import { Schema } from 'mongoose';

export interface XeroConnectionState {
  status: ConnectionStatus;
  tenantId?: string;
  organisationName?: string;
  shortCode?: string;
  /** occurredAt of the event that set this state; older events are ignored. */
  changedAt: string;
}

export interface RetailerDoc {
  _id: string;
  /** Bumped by every write (DocumentWrites). */
  rev: number;
  name: string;
  apiKeyHash: string;
  apiKeyPrefix: string;
  xeroConnection?: XeroConnectionState;
  createdAt: Date;
  updatedAt: Date;
}

export const RETAILERS = 'retailers';
export const Retailers = collectionOf<RetailerDoc>(RETAILERS);
export const retailerRef = (id: string) => docRef(Retailers, id);

export const RetailerSchema = new Schema<RetailerDoc>(
  {
    _id: { type: String, required: true },
    rev: { type: Number },
    name: { type: String, required: true },
    apiKeyHash: { type: String, required: true },
    apiKeyPrefix: { type: String, required: true },
    xeroConnection: { type: Schema.Types.Mixed },
  },
  { collection: RETAILERS, timestamps: true, versionKey: false },
);
RetailerSchema.index({ apiKeyHash: 1 }, { unique: true });
