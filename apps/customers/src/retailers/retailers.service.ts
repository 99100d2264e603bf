import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { Model } from 'mongoose';
import { DocumentWrites, UNCHANGED } from '@pos/persistence';
import { RETAILERS, RetailerDoc, XeroConnectionState, retailerRef } from './retailer.schema';

export function hashApiKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

@Injectable()
export class RetailersService {
  constructor(
    @InjectModel(RETAILERS) private readonly retailers: Model<RetailerDoc>,
    private readonly writes: DocumentWrites,
  ) {}

  /** Creates a retailer and its API key; the key is returned here once and only its hash is kept. */
  async create(name: string): Promise<{ id: string; name: string; apiKey: string }> {
    const apiKey = `pos_${randomBytes(32).toString('base64url')}`;
    const id = randomUUID();
    await this.writes.create(retailerRef(id), { name, apiKeyHash: hashApiKey(apiKey), apiKeyPrefix: apiKey.slice(0, 8) });
    return { id, name, apiKey };
  }

  async findByApiKey(apiKey: string): Promise<RetailerDoc | null> {
    return this.retailers.findOne({ apiKeyHash: hashApiKey(apiKey) }).lean<RetailerDoc>().exec();
  }

  async findById(id: string): Promise<RetailerDoc | null> {
    return this.retailers.findById(id).lean<RetailerDoc>().exec();
  }

  /** Applies a connection change unless a newer one was already applied (events may arrive out of order). */
  async setXeroConnection(retailerId: string, state: XeroConnectionState): Promise<void> {
    await this.writes.upsert(retailerRef(retailerId), (retailer) => {
      const shown = retailer?.xeroConnection;
      if (!retailer || (shown && Date.parse(shown.changedAt) > Date.parse(state.changedAt))) return UNCHANGED;
      return { xeroConnection: state };
    });
  }
}
