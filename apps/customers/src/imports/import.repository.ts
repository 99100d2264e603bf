import { Injectable, OnModuleInit } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { ImportedContact } from '@pos/customers-domain';
import { Change, DocumentMissing, DocumentWrites, NewDoc, OutboxEntry, UNCHANGED, appendToOutbox } from '@pos/persistence';
import { ACTIVE_IMPORT_JOB_STATUSES } from '@pos/sync-contracts';
import { Model } from 'mongoose';
import {
  IMPORT_CLAIMS,
  IMPORT_JOBS,
  IMPORT_PROBLEMS,
  IMPORT_SLOTS,
  ImportClaimDoc,
  ImportJobDoc,
  ImportProblemDoc,
  ImportSlotDoc,
  importClaimRef,
  importJobRef,
  importProblemRef,
  importSlotRef,
} from './schemas/import.schema';

/**
 * A slot naming a job that does not exist (yet) is held this long: the job is written just after
 * the slot, and a crash in between must not keep the retailer from importing for ever.
 */
const SLOT_WITHOUT_JOB_MS = 60_000;

/** What a change to a job writes: fields, and an event appended to its outbox in the same write. */
export interface JobWrite {
  set: Partial<Omit<ImportJobDoc, '_id' | 'retailerId' | 'rev' | 'outbox' | 'outboxSeq' | 'outboxAt' | 'relayLock' | 'createdAt' | 'updatedAt'>>;
  event?: OutboxEntry;
}

/** The import holding the retailer's slot: the job, or only its id when the job is being written just now. */
export type RunningImport = { id: string; status: ImportJobDoc['status'] };

/**
 * Every write the import makes to its own documents, each a single-document write through
 * DocumentWrites: the job (with its embedded outbox), the retailer's "current import" slot, the
 * claims on POS customers, and the per-contact problems.
 */
@Injectable()
export class ImportRepository implements OnModuleInit {
  constructor(
    @InjectModel(IMPORT_JOBS) private readonly jobs: Model<ImportJobDoc>,
    @InjectModel(IMPORT_SLOTS) private readonly slots: Model<ImportSlotDoc>,
    @InjectModel(IMPORT_CLAIMS) private readonly claims: Model<ImportClaimDoc>,
    @InjectModel(IMPORT_PROBLEMS) private readonly problemsModel: Model<ImportProblemDoc>,
    private readonly writes: DocumentWrites,
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
   * the job, on the condition that it still names the import read here (so two starters cannot
   * both take it); a slot naming no job counts as free once SLOT_WITHOUT_JOB_MS have passed.
   */
  async startIfIdle(retailerId: string, make: () => NewDoc<ImportJobDoc> & { _id: string }): Promise<{ started?: ImportJobDoc; running?: RunningImport }> {
    for (;;) {
      const slot = await this.writes.read(importSlotRef(retailerId));
      const running = slot ? await this.holder(slot) : undefined;
      if (running) return { running };
      const { _id: id, ...job } = make();
      let taken = false;
      await this.writes.upsert(importSlotRef(retailerId), (now) => {
        if ((now?.importId ?? null) !== (slot?.importId ?? null)) return UNCHANGED; // another start got here first
        taken = true;
        return { importId: id, takenAt: new Date() };
      });
      if (taken) return { started: await this.writes.create(importJobRef(id), job) };
    }
  }

  /** The queued or running import a slot names, if any. */
  private async holder(slot: ImportSlotDoc): Promise<RunningImport | undefined> {
    const job = await this.findJob(slot.importId);
    if (job) return ACTIVE_IMPORT_JOB_STATUSES.includes(job.status) ? { id: job._id, status: job.status } : undefined;
    const fresh = Date.now() - new Date(slot.takenAt).getTime() < SLOT_WITHOUT_JOB_MS;
    return fresh ? { id: slot.importId, status: 'queued' } : undefined;
  }

  /** Read, decide, write the change (and its event, in the same write) unless the job changed meanwhile, then decide again. Null: no such job. */
  async updateJob(id: string, decide: (job: ImportJobDoc) => JobWrite | 'unchanged'): Promise<ImportJobDoc | null> {
    try {
      return await this.writes.update(importJobRef(id), (job) => {
        const w = decide(job);
        if (w === UNCHANGED) return UNCHANGED;
        const change: Change<ImportJobDoc> = { ...w.set };
        if (w.event) Object.assign(change, appendToOutbox(job, w.event));
        return change;
      });
    } catch (err) {
      if (err instanceof DocumentMissing) return null;
      throw err;
    }
  }

  /**
   * Records that contact `contact` (on page `page`) matched POS customer `customerId`, once;
   * returns every contact of the import that matched that customer, in order.
   */
  async claim(importId: string, customerId: string, contact: ImportedContact, page: number): Promise<ImportClaimDoc['claimants']> {
    const contactId = contact.xeroContactId;
    const doc = await this.writes.upsert(importClaimRef(importId, customerId), (doc) => {
      if (doc?.claimants.some((c) => c.contactId === contactId)) return UNCHANGED;
      return { importId, customerId, claimants: [...(doc?.claimants ?? []), { contactId, page, contact }] };
    });
    return doc?.claimants ?? [];
  }

  /** Writes (or rewrites, on a replay) the problem of one contact. */
  async saveProblem(p: NewDoc<ImportProblemDoc>): Promise<void> {
    await this.writes.upsert(importProblemRef(p.importId, p.contact.xeroContactId), () => p);
  }

  problems(importId: string, limit: number): Promise<ImportProblemDoc[]> {
    return this.problemsModel.find({ importId }).sort({ page: 1, _id: 1 }).limit(limit).lean<ImportProblemDoc[]>().exec();
  }
}
