import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model, Schema } from 'mongoose';
import { DocumentWrites, StoredDoc, UNCHANGED, collectionOf, docRef } from '@pos/persistence';

/** Which worker pushes a tenant's changes, until when (_id: the retailer id); or a worker's heartbeat. */
export interface LeaseDoc extends StoredDoc {
  owner: string;
  until: Date;
}

export const LEASES = 'push_leases';
export const LeaseSchema = new Schema<LeaseDoc>(
  { _id: { type: String, required: true }, rev: { type: Number, required: true }, owner: String, until: Date },
  { collection: LEASES, versionKey: false },
);
const WORKER_PREFIX = 'worker:';
export const Leases = collectionOf<LeaseDoc>(LEASES);
const leaseRef = (retailerId: string) => docRef(Leases, retailerId);
const heartbeatRef = (owner: string) => docRef(Leases, `${WORKER_PREFIX}${owner}`);

/**
 * A lease per tenant: exactly one worker pushes a tenant at a time. The holder renews it well
 * before it runs out; when the holder dies, another worker takes it over once `until` has passed.
 */
@Injectable()
export class TenantLeases {
  constructor(
    @InjectModel(LEASES) private readonly model: Model<LeaseDoc>,
    private readonly writes: DocumentWrites,
  ) {}

  /** Takes or renews the lease; false when another live worker holds it. */
  async acquire(retailerId: string, owner: string, ttlMs: number, now = Date.now()): Promise<boolean> {
    let held = false;
    await this.writes.upsert(leaseRef(retailerId), (cur) => {
      held = !(cur && cur.owner !== owner && new Date(cur.until).getTime() > now);
      return held ? { owner, until: new Date(now + ttlMs) } : UNCHANGED;
    });
    return held;
  }

  async release(retailerId: string, owner: string): Promise<void> {
    await this.writes.upsert(leaseRef(retailerId), (cur) => (cur && cur.owner === owner ? { until: new Date(0) } : UNCHANGED));
  }

  /** A worker says it is alive (leases are spread over the live workers). */
  async heartbeat(owner: string, ttlMs: number, now = Date.now()): Promise<void> {
    await this.writes.upsert(heartbeatRef(owner), () => ({ owner, until: new Date(now + ttlMs) }));
  }

  /** How many workers are alive now. */
  liveWorkers(now = Date.now()): Promise<number> {
    return this.model.countDocuments({ owner: { $exists: true }, until: { $gt: new Date(now) }, _id: { $regex: `^${WORKER_PREFIX}` } }).exec();
  }
}

