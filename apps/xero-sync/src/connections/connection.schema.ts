import { Schema } from 'mongoose';
import { OutboxFields, StoredDoc, collectionOf, docRef } from '@pos/persistence';

export type ConnectionStatus = 'connected' | 'disconnected' | 'expired';

/** One retailer's Xero connection: the organisation it chose and its tokens, encrypted. */
export interface ConnectionDoc extends StoredDoc, OutboxFields {
  /** _id: the retailer id. */
  retailerId: string;
  status: ConnectionStatus;
  tenantId: string;
  organisationName?: string;
  shortCode?: string;
  /** AES-256-GCM ciphertexts (TokenCipher). */
  accessToken: string;
  refreshToken: string;
  accessExpiresAt: Date;
  /** The authorisation that granted this connection (from the access token's claims). */
  authEventId?: string;
  connectedAt: Date;
  /** One refresher at a time per connection, across every worker. */
  refreshLock?: { owner: string; until: Date } | null;
  /** Why the connection is expired (invalid_grant, revoked). */
  expiredReason?: string;
}

export const CONNECTIONS = 'xero_connections';

export const ConnectionSchema = new Schema<ConnectionDoc>(
  {
    _id: { type: String, required: true },
    rev: { type: Number, required: true },
    retailerId: { type: String, required: true },
    status: { type: String, required: true },
    tenantId: { type: String, required: true },
    organisationName: String,
    shortCode: String,
    accessToken: { type: String, required: true },
    refreshToken: { type: String, required: true },
    accessExpiresAt: { type: Date, required: true },
    authEventId: String,
    connectedAt: { type: Date, required: true },
    refreshLock: { type: Schema.Types.Mixed },
    expiredReason: String,
    outbox: { type: Schema.Types.Mixed, default: [] },
    outboxSeq: { type: Number, default: 0 },
    outboxAt: { type: Date, default: null },
    relayLock: { type: Schema.Types.Mixed },
  },
  { collection: CONNECTIONS, timestamps: true, versionKey: false, minimize: false },
);
ConnectionSchema.index({ status: 1 });
ConnectionSchema.index({ outboxAt: 1 });

export const Connections = collectionOf<ConnectionDoc>(CONNECTIONS);
/** A retailer's connection: what every write to it (DocumentWrites) names. */
export const connectionRef = (retailerId: string) => docRef(Connections, retailerId);
