import { mongoUriFor, testInfra, uniqueName } from '@pos/testing';
import mongoose from 'mongoose';
import { StoredDoc, collectionOf, docRef, lockKeyOf } from './doc-ref';
import { DocumentWrites, LOCKS_COLLECTION, UNCHANGED, locksDatabase } from './document-writes';
import { DocumentMissing, DuplicateKey, StorageBusy } from './storage-errors';

interface Counter extends StoredDoc {
  count: number;
  code?: string;
  seen?: string[];
}
const Counters = collectionOf<Counter>('counters');
const counterRef = (id: string) => docRef(Counters, id);
const quiet = { log: () => undefined, warn: () => undefined };

/**
 * Many writers on one document, none lost: against whatever database the harness gives (MongoDB when
 * one answers, else the embedded FerretDB), through two helper instances on two connections, as two
 * service processes sharing the database would.
 */
describe('DocumentWrites on the real database', () => {
  const dbName = uniqueName('persistence');
  let connA: mongoose.Connection;
  let connB: mongoose.Connection;
  let a: DocumentWrites;
  let b: DocumentWrites;

  beforeAll(async () => {
    const uri = mongoUriFor(dbName, testInfra().mongoUri);
    connA = await mongoose.createConnection(uri).asPromise();
    connB = await mongoose.createConnection(uri).asPromise();
    await connA.collection('counters').createIndex({ code: 1 }, { unique: true, sparse: false, name: 'code_unique' });
    a = new DocumentWrites(connA, { logger: quiet });
    b = new DocumentWrites(connB, { logger: quiet });
  });
  afterAll(async () => {
    await connA?.dropDatabase().catch(() => undefined);
    await connA?.useDb(locksDatabase(dbName)).dropDatabase().catch(() => undefined);
    await connA?.close();
    await connB?.close();
  });

  const newCounter = (id: string, code = id) => a.create(counterRef(id), { count: 0, code });

  it('30 concurrent increments of one counter from two processes: none lost', async () => {
    await newCounter('c30');
    const inc = (w: DocumentWrites) => w.update(counterRef('c30'), (doc) => ({ count: doc.count + 1 }));
    await Promise.all(Array.from({ length: 30 }, (_, i) => inc(i % 2 ? a : b)));
    const final = await a.read(counterRef('c30'));
    expect(final).toMatchObject({ count: 30, rev: 31 });
  });

  it('concurrent upserts of a missing document: one creates it, the others update it', async () => {
    const add = (w: DocumentWrites, who: string) =>
      w.upsert(counterRef('up'), (doc) => (doc ? { seen: [...(doc.seen ?? []), who], count: doc.count + 1 } : { count: 1, code: 'up', seen: [who] }));
    await Promise.all(Array.from({ length: 10 }, (_, i) => add(i % 2 ? a : b, `w${i}`)));
    const final = await a.read(counterRef('up'));
    expect(final?.count).toBe(10);
    expect([...(final?.seen ?? [])].sort()).toEqual(Array.from({ length: 10 }, (_, i) => `w${i}`).sort());
  });

  it('a rule answering "unchanged" writes nothing; a rule that throws writes nothing', async () => {
    const created = await newCounter('quiet');
    expect(await a.update(counterRef('quiet'), () => UNCHANGED)).toMatchObject({ rev: created.rev, count: 0 });
    await expect(
      a.update(counterRef('quiet'), () => {
        throw new Error('refused by the rule');
      }),
    ).rejects.toThrow('refused by the rule');
    expect(await a.read(counterRef('quiet'))).toMatchObject({ rev: 1, count: 0 });
  });

  it('returns the document as written, and an undefined field is removed', async () => {
    await a.create(counterRef('shape'), { count: 1, code: 'shape', seen: ['x'] });
    const written = await b.update(counterRef('shape'), (doc) => ({ count: doc.count + 1, seen: undefined }));
    const stored = await a.read(counterRef('shape'));
    expect(written).toEqual(stored);
    expect(stored).not.toHaveProperty('seen');
  });

  it('a unique index refusing an insert or an update is DuplicateKey, whichever server', async () => {
    await newCounter('d1', 'TAKEN');
    await expect(a.create(counterRef('d2'), { count: 0, code: 'TAKEN' })).rejects.toBeInstanceOf(DuplicateKey);
    await expect(a.create(counterRef('d1'), { count: 0, code: 'OTHER' })).rejects.toBeInstanceOf(DuplicateKey);
    await newCounter('d3', 'FREE');
    await expect(b.update(counterRef('d3'), () => ({ code: 'TAKEN' }))).rejects.toBeInstanceOf(DuplicateKey);
    expect(await a.read(counterRef('d3'))).toMatchObject({ code: 'FREE', rev: 1 });
  });

  it('an update of a missing document is DocumentMissing (or the caller’s own error)', async () => {
    await expect(a.update(counterRef('nobody'), (d) => d)).rejects.toBeInstanceOf(DocumentMissing);
    await expect(a.update(counterRef('nobody'), (d) => d, { ifMissing: () => new Error('no such counter') })).rejects.toThrow('no such counter');
  });

  it('a lock left by a dead process makes writers answer StorageBusy, tryUpdate skip, until it expires', async () => {
    await newCounter('stuck');
    if (!(await a.usesLockDocuments())) {
      // compare-and-set servers take no lock documents: there is nothing to be stuck behind
      expect(await a.update(counterRef('stuck'), (d) => ({ count: d.count + 1 }))).toMatchObject({ count: 1 });
      return;
    }
    const locks = connA.useDb(locksDatabase(dbName)).collection(LOCKS_COLLECTION);
    const key = lockKeyOf(counterRef('stuck'));
    await locks.insertOne({ _id: key as never, owner: 'process-that-died', until: new Date(Date.now() + 60_000) });
    const impatient = new DocumentWrites(connB, { waitMs: 50, logger: quiet });
    await expect(impatient.update(counterRef('stuck'), (d) => ({ count: d.count + 1 }))).rejects.toBeInstanceOf(StorageBusy);
    expect(await impatient.tryUpdate(counterRef('stuck'), (d) => ({ count: d.count + 1 }))).toBeUndefined();
    await locks.updateOne({ _id: key as never }, { $set: { until: new Date(Date.now() - 1) } }); // it expires
    expect(await impatient.update(counterRef('stuck'), (d) => ({ count: d.count + 1 }))).toMatchObject({ count: 1 });
    expect(await locks.countDocuments({ _id: key as never })).toBe(0);
  });

  it('a lock is renewed while its holder works, so a slow writer is not overtaken', async () => {
    await newCounter('slow');
    if (!(await a.usesLockDocuments())) return expect(await a.usesLockDocuments()).toBe(false);
    const shortLived = new DocumentWrites(connA, { lockTtlMs: 150, logger: quiet });
    const locks = connA.useDb(locksDatabase(dbName)).collection<{ _id: string; until: Date }>(LOCKS_COLLECTION);
    const key = lockKeyOf(counterRef('slow'));
    // Hold the lock (as a slow write would) until a renewal has pushed its expiry forward.
    const slow = shortLived['locked'](counterRef('slow'), 1000, async () => {
      const until = async () => (await locks.findOne({ _id: key }))?.until.getTime() ?? 0;
      const firstUntil = await until();
      for (let i = 0; i < 400; i++) {
        await new Promise((r) => setTimeout(r, 25));
        if ((await until()) > firstUntil) return true;
      }
      return false;
    });
    expect(await slow).toBe(true);
  });
});
