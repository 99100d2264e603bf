import { mongoUriFor, testInfra, uniqueName } from '@pos/testing';
import mongoose from 'mongoose';
import { collectionOf, docRef } from '../doc-ref';
import { DocumentWrites, locksDatabase } from '../document-writes';
import { EmbeddedOutboxStore, OutboxDoc, appendToOutbox, newOutbox } from './embedded-outbox.store';
import { OutboxClaim, OutboxEntry } from './outbox';
import { OutboxStoreHarness, outboxStoreContract } from './outbox-store.contract';

type Page = OutboxDoc & { label: string };
const Pages = collectionOf<Page>('pages');
const quiet = { log: () => undefined, warn: () => undefined };

/** Stores that break the contract on purpose: the suite must catch each of them. */
class CompleteDropsNewEntries extends EmbeddedOutboxStore<Page> {
  constructor(private readonly w: DocumentWrites) {
    super(w, Pages);
  }
  override async complete(claim: OutboxClaim): Promise<void> {
    // "done with this document": forgets whatever was added while the relay published
    await this.w.update(docRef(Pages, claim.id), () => ({ outbox: [], outboxAt: null, relayLock: null }));
  }
}

class ClaimWithoutExclusivity extends EmbeddedOutboxStore<Page> {
  constructor(private readonly w: DocumentWrites) {
    super(w, Pages);
  }
  override async claim(id: string, owner: string, lockMs: number): Promise<OutboxClaim | null> {
    const doc = await this.w.read(docRef(Pages, id));
    return doc?.outbox.length ? { id, owner, until: new Date(Date.now() + lockMs), entries: doc.outbox } : null;
  }
}

describe('outbox store contract', () => {
  const dbName = uniqueName('outbox_contract');
  let conn: mongoose.Connection;
  let writes: DocumentWrites;

  beforeAll(async () => {
    conn = await mongoose.createConnection(mongoUriFor(dbName, testInfra().mongoUri)).asPromise();
    writes = new DocumentWrites(conn, { logger: quiet });
  });
  afterAll(async () => {
    await conn?.dropDatabase().catch(() => undefined);
    await conn?.useDb(locksDatabase(dbName)).dropDatabase().catch(() => undefined);
    await conn?.close();
  });

  /** Entries are added the way a state change adds them: in the same single-document write. */
  const harnessOver = (store: () => EmbeddedOutboxStore<Page>) => (): OutboxStoreHarness => ({
    store: store(),
    add: async (id: string, ...entries: OutboxEntry[]) => {
      for (const e of entries) {
        await writes.upsert(docRef(Pages, id), (doc) => (doc ? { ...appendToOutbox(doc, e), label: `${doc.label}+` } : { label: id, ...newOutbox([e]) }));
      }
    },
    entries: async (id: string) => (await writes.read(docRef(Pages, id)))?.outbox ?? [],
  });

  describe('EmbeddedOutboxStore (entries inside the owning document)', () => {
    for (const c of outboxStoreContract(harnessOver(() => new EmbeddedOutboxStore(writes, Pages)))) it(c.name, c.run);
  });

  describe('catches broken stores', () => {
    const caseNamed = (cases: ReturnType<typeof outboxStoreContract>, start: string) => {
      const c = cases.find((x) => x.name.startsWith(start));
      if (!c) throw new Error(`no contract case "${start}"`);
      return c;
    };

    it('a store whose complete() drops the entries added meanwhile fails "complete removes exactly the published entries"', async () => {
      const cases = outboxStoreContract(harnessOver(() => new CompleteDropsNewEntries(writes)));
      await expect(caseNamed(cases, 'complete removes exactly the published entries').run()).rejects.toThrow();
    });

    it('a store that claims without exclusivity fails "exactly one wins"', async () => {
      const cases = outboxStoreContract(harnessOver(() => new ClaimWithoutExclusivity(writes)));
      await expect(caseNamed(cases, 'of many relays claiming one document').run()).rejects.toThrow();
    });
  });
});
