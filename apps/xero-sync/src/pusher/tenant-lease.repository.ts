import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model, Schema } from 'mongoose';
import { DocumentWriter } from '../persistence/document-writer';

/** Which worker pushes a tenant's changes, until when. */
export interface LeaseDoc {
  _id: string; // the retailer id
  rev: number;
  owner: string;
  until: Date;
}

export const LEASES = 'push_leases';
export const LeaseSchema = new Schema<LeaseDoc>(
  { _id: { type: String, required: true }, rev: { type: Number, required: true }, owner: String, until: Date },
  { collection: LEASES, versionKey: false },
);

/**
 * A lease per tenant: exactly one worker pushes a tenant at a time. The holder renews it well
 * before it runs out; when the holder dies, another worker takes it over once `until` has passed.
 */
@Injectable()
export class TenantLeases {
  constructor(
    @InjectModel(LEASES) private readonly model: Model<LeaseDoc>,
    private readonly writer: DocumentWriter,
  ) {}

  /** Takes or renews the lease; false when another live worker holds it. */
  acquire(retailerId: string, owner: string, ttlMs: number, now = Date.now()): Promise<boolean> {
    return this.writer.update<LeaseDoc, boolean>(this.model, retailerId, (cur) => {
      if (cur && cur.owner !== owner && new Date(cur.until).getTime() > now) return { result: false };
      return { doc: { owner, until: new Date(now + ttlMs) }, result: true };
    });
  }

  release(retailerId: string, owner: string): Promise<void> {
    return this.writer.update<LeaseDoc, void>(this.model, retailerId, (cur) =>
      cur && cur.owner === owner ? { doc: { owner, until: new Date(0) }, result: undefined } : { result: undefined },
    );
  }

  /** A worker says it is alive (leases are spread over the live workers). */
  heartbeat(owner: string, ttlMs: number, now = Date.now()): Promise<void> {
    return this.writer.update<LeaseDoc, void>(this.model, `${WORKER_PREFIX}${owner}`, () => ({ doc: { owner, until: new Date(now + ttlMs) }, result: undefined }));
  }

  /** How many workers are alive now. */
  liveWorkers(now = Date.now()): Promise<number> {
    return this.model.countDocuments({ owner: { $exists: true }, until: { $gt: new Date(now) }, _id: { $regex: `^${WORKER_PREFIX}` } }).exec();
  }
}

const WORKER_PREFIX = 'worker:';
