import { ManualClock } from '../core/clock';
import {
  IdempotencyKeyError,
  IdempotencyStore,
  fingerprintOf,
} from './idempotency-store';

describe('IdempotencyStore', () => {
  let clock: ManualClock;
  let store: IdempotencyStore;
  let runs: number;
  const exec =
    (status = 200) =>
    () => {
      runs++;
      return { status, body: { n: runs } };
    };

  beforeEach(() => {
    clock = new ManualClock(0);
    store = new IdempotencyStore(clock, 6 * 60_000);
    runs = 0;
  });

  it('runs once and replays the first result within the lifetime', async () => {
    const fp = fingerprintOf('PUT', '/Contacts', '{"a":1}');
    expect(await store.run('s', 'k', fp, exec())).toEqual({
      result: { status: 200, body: { n: 1 } },
      replayed: false,
    });
    clock.advance(6 * 60_000 - 1);
    expect(await store.run('s', 'k', fp, exec())).toEqual({
      result: { status: 200, body: { n: 1 } },
      replayed: true,
    });
    clock.advance(1);
    expect((await store.run('s', 'k', fp, exec())).replayed).toBe(false);
    expect(runs).toBe(2);
  });

  it('refuses the same key with another request and keys over 128 characters', async () => {
    await store.run('s', 'k', fingerprintOf('PUT', '/Contacts', 'a'), exec());
    await expect(
      store.run('s', 'k', fingerprintOf('PUT', '/Contacts', 'b'), exec()),
    ).rejects.toThrow(IdempotencyKeyError);
    await expect(store.run('s', 'x'.repeat(129), 'fp', exec())).rejects.toThrow(
      /128/,
    );
    expect(runs).toBe(1);
  });

  it('scopes keys, shares an in-flight result with a concurrent replay, and remembers server errors', async () => {
    const [a, b] = await Promise.all([
      store.run('s', 'k', 'fp', exec()),
      store.run('s', 'k', 'fp', exec()),
    ]);
    expect([a.replayed, b.replayed, runs]).toEqual([false, true, 1]);
    expect((await store.run('other-scope', 'k', 'fp', exec())).replayed).toBe(
      false,
    );
    await store.run('s', 'k5', 'fp', exec(503));
    expect(await store.run('s', 'k5', 'fp', exec())).toMatchObject({
      result: { status: 503 },
      replayed: true,
    });
  });
});
