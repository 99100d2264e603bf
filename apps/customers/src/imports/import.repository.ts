import { Injectable, OnModuleInit } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { ImportedContact } from '@pos/customers-domain';
import { DocumentLocks } from '@pos/service-kit';
import { Model, UpdateQuery } from 'mongoose';
import { OutboxEntry } from '../customers/schemas/customer.schema';
import {
  ACTIVE_STATUSES,
  IMPORT_CLAIMS,
  IMPORT_JOBS,
  IMPORT_PROBLEMS,
  IMPORT_SLOTS,
  ImportClaimDoc,
  ImportJobDoc,
  ImportProblemDoc,
  ImportSlotDoc,
  claimId,
  importLockKey,
  importSlotLockKey,
} from './schemas/import.schema';

const MAX_WRITE_ATTEMPTS = 20;

/** What a change to a job writes: fields, and an event appended to its outbox in the same write. */
export interface JobWrite {
  set: Partial<Omit<ImportJobDoc, '_id' | 'retailerId' | 'rev' | 'outbox' | 'outboxSeq' | 'outboxAt' | 'relayLock' | 'createdAt' | 'updatedAt'>>;
  event?: OutboxEntry;
}

function isDuplicateKey(err: unknown): boolean {
  const e = err as { code?: number; message?: string } | null;
  return !!e && (e.code === 11000 || /E11000|UNIQUE constraint failed/.test(e.message ?? ''));
}

/** A write that kept losing its compare-and-set (many writers at once): the caller retries later. */
export class ImportWriteContention extends Error {
  constructor(what: string) {
    super(`${what} kept changing under ${MAX_WRITE_ATTEMPTS} concurrent writes`);
    this.name = 'ImportWriteContention';
  }
}

/**
 * Every write the import makes to its own documents, each a single-document write: the job
 * (compare-and-set on `rev`, with its embedded outbox), the retailer's "current import" slot, the
 * claims on POS customers, and the per-contact problems. Writers of one document are serialised
 * by DocumentLocks (FerretDB's conditional updates are not atomic).
 */
// TODO(merge): the generic single-document write helper replaces the DocumentLocks + `rev` loops here.
@Injectable()
export class ImportRepository implements OnModuleInit {
  constructor(
    @InjectModel(IMPORT_JOBS) private readonly jobs: Model<ImportJobDoc>,
    @InjectModel(IMPORT_SLOTS) private readonly slots: Model<ImportSlotDoc>,
    @InjectModel(IMPORT_CLAIMS) private readonly claims: Model<ImportClaimDoc>,
    @InjectModel(IMPORT_PROBLEMS) private readonly problemsModel: Model<ImportProblemDoc>,
    private readonly locks: DocumentLocks,
  ) {}

  async onModuleInit() {
    await Promise.all([this.jobs.init(), this.slots.init(), this.claims.init(), this.problemsModel.init()]);
  }

  findJob(id: string): Promise<ImportJobDoc | null> {
    return this.jobs.findById(id).lean<ImportJobDoc>().exec();
  }

  async list(retailerId: string, page: number, pageSize: number): Promise<{ items: ImportJobDoc[]; total: number }> {
    const filter = { retailerId };
    const [items, total] = await Promise.all([
      this.jobs
        .find(filter, { outbox: 0 })
        .sort({ createdAt: -1, _id: -1 })
        .skip((page - 1) * pageSize)
        .limit(pageSize)
        .lean<ImportJobDoc[]>()
        .exec(),
      this.jobs.countDocuments(filter).exec(),
    ]);
    return { items, total };
  }

  /**
   * One import per retailer: takes the retailer's slot for the job `make` builds, unless the
   * import holding it is still queued or running (returned instead). The slot is written before
   * the job: a crash in between leaves a slot naming no job, which counts as free.
   */
  async startIfIdle(retailerId: string, make: () => Omit<ImportJobDoc, 'createdAt' | 'updatedAt'>): Promise<{ started?: ImportJobDoc; running?: ImportJobDoc }> {
    return this.locks.run(importSlotLockKey(retailerId), async () => {
      for (let attempt = 0; attempt < MAX_WRITE_ATTEMPTS; attempt++) {
        const slot = await this.slots.findById(retailerId).lean<ImportSlotDoc>().exec();
        const holder = slot ? await this.findJob(slot.importId) : null;
        if (holder && ACTIVE_STATUSES.includes(holder.status)) return { running: holder };
        const job = make();
        if (!slot) {
          try {
            await this.slots.create({ _id: retailerId, importId: job._id, rev: 1 });
          } catch (err) {
            if (isDuplicateKey(err)) continue;
            throw err;
          }
        } else {
          const r = await this.slots
            .updateOne(this.locks.conditional(retailerId, { rev: slot.rev }), { $set: { importId: job._id }, $inc: { rev: 1 } })
            .exec();
          if (!r.matchedCount) continue;
        }
        const created = await this.jobs.create(job);
        return { started: created.toObject() as ImportJobDoc };
      }
      throw new ImportWriteContention(`the import slot of retailer ${retailerId}`);
    });
  }

  /** Read, decide, compare-and-set on `rev`; on a concurrent write, read and decide again. */
  updateJob(id: string, decide: (job: ImportJobDoc) => JobWrite | 'unchanged'): Promise<ImportJobDoc | null> {
    return this.locks.run(importLockKey(id), async () => {
      for (let attempt = 0; attempt < MAX_WRITE_ATTEMPTS; attempt++) {
        const job = await this.findJob(id);
        if (!job) return null;
        const w = decide(job);
        if (w === 'unchanged') return job;
        const update: UpdateQuery<ImportJobDoc> & Record<string, unknown> = { $set: { ...w.set, updatedAt: new Date() }, $inc: { rev: 1 } };
        if (w.event) {
          update.$push = { outbox: w.event };
          update.$inc = { rev: 1, outboxSeq: 1 };
          (update.$set as Record<string, unknown>).outboxAt = job.outboxAt ?? w.event.createdAt;
        }
        const written = await this.jobs.findOneAndUpdate(this.locks.conditional(id, { rev: job.rev }), update, { new: true }).lean<ImportJobDoc>().exec();
        if (written) return written;
      }
      throw new ImportWriteContention(`import ${id}`);
    });
  }

  /**
   * Records that contact `contactId` (on page `page`) matched POS customer `customerId`, once;
   * returns every contact of the import that matched that customer, in order.
   */
  claim(importId: string, customerId: string, contact: ImportedContact, page: number): Promise<ImportClaimDoc['claimants']> {
    const contactId = contact.xeroContactId;
    const id = claimId(importId, customerId);
    return this.locks.run(`import-claim:${id}`, async () => {
      for (let attempt = 0; attempt < MAX_WRITE_ATTEMPTS; attempt++) {
        const doc = await this.claims.findById(id).lean<ImportClaimDoc>().exec();
        if (doc?.claimants.some((c) => c.contactId === contactId)) return doc.claimants;
        const claimants = [...(doc?.claimants ?? []), { contactId, page, contact }];
        if (!doc) {
          try {
            await this.claims.create({ _id: id, importId, customerId, claimants, rev: 1 });
            return claimants;
          } catch (err) {
            if (isDuplicateKey(err)) continue;
            throw err;
          }
        }
        const r = await this.claims
          .updateOne(this.locks.conditional(id, { rev: doc.rev }), { $set: { claimants }, $inc: { rev: 1 } })
          .exec();
        if (r.matchedCount) return claimants;
      }
      throw new ImportWriteContention(`claim ${id}`);
    });
  }

  /** Writes (or rewrites, on a replay) the problem of one contact. */
  async saveProblem(p: ImportProblemDoc): Promise<void> {
    await this.problemsModel.replaceOne({ _id: p._id }, p, { upsert: true }).exec();
  }

  problems(importId: string, limit: number): Promise<ImportProblemDoc[]> {
    return this.problemsModel.find({ importId }).sort({ page: 1, _id: 1 }).limit(limit).lean<ImportProblemDoc[]>().exec();
  }
}
