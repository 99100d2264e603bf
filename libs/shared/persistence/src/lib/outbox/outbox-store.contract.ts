import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { OutboxEntry, OutboxStore } from './outbox';

/** What the contract needs to drive a store: the store and the way state changes add entries. */
export interface OutboxStoreHarness {
  store: OutboxStore;
  /** Adds `entries` to document `id`'s outbox (creating the document), as a state change would. */
  add(id: string, ...entries: OutboxEntry[]): Promise<void>;
  /** The entries waiting in document `id`, in order. */
  entries(id: string): Promise<OutboxEntry[]>;
}

export interface ContractCase {
  name: string;
  run: () => Promise<void>;
}

let seq = 0;
function entry(label: string): OutboxEntry {
  return { eventId: randomUUID(), routingKey: 'contract.test.v1', body: { label }, createdAt: new Date(Date.now() + seq++) };
}
const ids = (entries: OutboxEntry[]) => entries.map((e) => e.eventId);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * What every OutboxStore must do for the relay's guarantees (never lost, per-document order, one
 * relay at a time) to hold. Use it as `for (const c of outboxStoreContract(harness)) it(c.name, c.run)`.
 * Each case uses documents of its own, so cases may share one store. Assertions are node:assert, so a
 * case that finds the store broken rejects.
 */
export function outboxStoreContract(harness: () => OutboxStoreHarness): ContractCase[] {
  const doc = () => `contract-${randomUUID()}`;
  return [
    {
      name: 'lists a document with waiting entries, and no longer once they are all published',
      run: async () => {
        const h = harness();
        const id = doc();
        assert.ok(!(await h.store.waiting(new Date(), 1000)).includes(id));
        const e = entry('one');
        await h.add(id, e);
        assert.ok((await h.store.waiting(new Date(), 1000)).includes(id), 'a document with an entry waits');
        const claim = await h.store.claim(id, 'relay-a', 60_000);
        assert.ok(claim);
        await h.store.complete(claim, [e.eventId]);
        assert.ok(!(await h.store.waiting(new Date(), 1000)).includes(id), 'a published document no longer waits');
        assert.deepEqual(await h.entries(id), []);
      },
    },
    {
      name: 'a claim hands over the entries in the order they were added',
      run: async () => {
        const h = harness();
        const id = doc();
        const added = [entry('1'), entry('2'), entry('3')];
        for (const e of added) await h.add(id, e);
        const claim = await h.store.claim(id, 'relay-a', 60_000);
        assert.ok(claim);
        assert.deepEqual(ids(claim.entries), ids(added));
        await h.store.complete(claim, ids(added));
      },
    },
    {
      name: 'of many relays claiming one document at the same time exactly one wins, and it is not listed while held',
      run: async () => {
        const h = harness();
        const id = doc();
        await h.add(id, entry('contended'));
        const claims = await Promise.all(Array.from({ length: 8 }, (_, i) => h.store.claim(id, `relay-${i}`, 60_000)));
        const winners = claims.filter((c) => c !== null);
        assert.equal(winners.length, 1, `${winners.length} relays hold the document`);
        assert.equal(await h.store.claim(id, 'relay-late', 60_000), null, 'a held document cannot be claimed');
        assert.ok(!(await h.store.waiting(new Date(), 1000)).includes(id), 'a held document is not listed');
        const [winner] = winners;
        assert.ok(winner);
        await h.store.complete(winner, ids(winner.entries));
      },
    },
    {
      name: 'complete removes exactly the published entries and keeps those added meanwhile',
      run: async () => {
        const h = harness();
        const id = doc();
        const first = entry('first');
        await h.add(id, first);
        const claim = await h.store.claim(id, 'relay-a', 60_000);
        assert.ok(claim);
        const meanwhile = entry('meanwhile');
        await h.add(id, meanwhile); // a state change while the relay publishes
        await h.store.complete(claim, [first.eventId]);
        assert.deepEqual(ids(await h.entries(id)), [meanwhile.eventId]);
        assert.ok((await h.store.waiting(new Date(), 1000)).includes(id), 'the later entry still waits');
        const next = await h.store.claim(id, 'relay-b', 60_000);
        assert.ok(next);
        assert.deepEqual(ids(next.entries), [meanwhile.eventId]);
        await h.store.complete(next, [meanwhile.eventId]);
      },
    },
    {
      name: 'entries a relay did not publish stay, and its claim is released',
      run: async () => {
        const h = harness();
        const id = doc();
        const [a, b] = [entry('a'), entry('b')];
        await h.add(id, a);
        await h.add(id, b);
        const claim = await h.store.claim(id, 'relay-a', 60_000);
        assert.ok(claim);
        await h.store.complete(claim, [a.eventId]); // the broker went away after the first confirm
        assert.deepEqual(ids(await h.entries(id)), [b.eventId]);
        const again = await h.store.claim(id, 'relay-b', 60_000);
        assert.ok(again, 'released: another relay can take the rest');
        assert.deepEqual(ids(again.entries), [b.eventId]);
        await h.store.complete(again, [b.eventId]);
      },
    },
    {
      name: 'an expired claim is taken by another relay, and the late relay completing does not free the new claim',
      run: async () => {
        const h = harness();
        const id = doc();
        const e = entry('slow');
        await h.add(id, e);
        const stale = await h.store.claim(id, 'relay-slow', 1);
        assert.ok(stale);
        await sleep(20);
        const fresh = await h.store.claim(id, 'relay-b', 60_000);
        assert.ok(fresh, 'an expired claim can be taken over');
        await h.store.complete(stale, []); // the slow relay gives up without publishing
        assert.equal(await h.store.claim(id, 'relay-c', 60_000), null, "the new relay's claim still holds");
        await h.store.complete(fresh, [e.eventId]);
        assert.deepEqual(await h.entries(id), []);
      },
    },
    {
      name: 'backlog counts the documents with waiting entries and the time of the oldest',
      run: async () => {
        const h = harness();
        const before = await h.store.backlog();
        const [x, y] = [doc(), doc()];
        const oldest = entry('oldest');
        await h.add(x, oldest);
        await h.add(x, entry('x2'));
        await h.add(y, entry('y1'));
        const during = await h.store.backlog();
        assert.equal(during.documents, before.documents + 2);
        assert.ok(during.oldestAt && during.oldestAt.getTime() <= oldest.createdAt.getTime());
        for (const id of [x, y]) {
          const c = await h.store.claim(id, 'relay-a', 60_000);
          assert.ok(c);
          await h.store.complete(c, ids(c.entries));
        }
        assert.equal((await h.store.backlog()).documents, before.documents);
      },
    },
  ];
}
