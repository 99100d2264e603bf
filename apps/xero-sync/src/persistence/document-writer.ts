import { Injectable } from '@nestjs/common';
import { DocumentLocks } from '@pos/service-kit';
import { Model } from 'mongoose';

const MAX_ATTEMPTS = 10;

export type Revisioned = { _id: string; rev: number };

/**
 * One write to one document: read it, let `decide` return the new state (or undefined: nothing to
 * change), write it if nobody wrote in between; bounded retries. Compare-and-set on `rev` where the
 * server's conditional updates are atomic (MongoDB), DocumentLocks where they are not (FerretDB).
 *
 * TODO(merge): replace with the single-document write helper of @pos/persistence.
 */
@Injectable()
export class DocumentWriter {
  constructor(private readonly locks: DocumentLocks) {}

  update<D extends Revisioned, R = D>(
    model: Model<D>,
    _id: string,
    decide: (current: D | undefined) => { doc: Omit<D, '_id' | 'rev'>; result: R } | { result: R; doc?: undefined },
  ): Promise<R> {
    return this.locks.run(`${model.collection.collectionName}:${_id}`, async () => {
      for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
        const current = (await model.findById(_id).lean().exec()) as D | null;
        const next = decide(current ?? undefined);
        if (!next.doc) return next.result;
        if (!current) {
          try {
            await model.create({ ...next.doc, _id, rev: 1 });
            return next.result;
          } catch (err) {
            if ((err as { code?: number }).code === 11000 || /UNIQUE constraint/.test(String((err as Error).message))) continue;
            throw err;
          }
        }
        // timestamps are the model's to set
        const { _id: _ignored, rev: _rev, createdAt: _c, updatedAt: _u, ...fields } = next.doc as Record<string, unknown>;
        // a field the rule dropped is stored as null ($set leaves out undefined, which would keep the old value)
        for (const k of Object.keys(fields)) if (fields[k] === undefined) fields[k] = null;
        const r = await model
          .updateOne(this.locks.conditional(_id, { rev: current.rev }) as object, { $set: { ...fields, rev: current.rev + 1 } })
          .exec();
        if (r.matchedCount) return next.result;
      }
      throw new Error(`${model.collection.collectionName} ${_id} kept changing; will retry`);
    });
  }
}
