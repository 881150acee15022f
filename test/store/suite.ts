import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LeaseBusyError, withLease } from '../../src/store/lease.js';
import type { SharedStore } from '../../src/store/types.js';

export interface StoreTarget {
  /** A store whose keys all start with a prefix of this run's own; `cleanup` removes them. */
  open(): Promise<{ store: SharedStore; cleanup(): Promise<void> } | { skip: string }>;
}

const MINUTE = 60_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The one behaviour every SharedStore implementation must show. */
export function sharedStoreSuite(name: string, target: StoreTarget) {
  describe(`SharedStore: ${name}`, () => {
    let store: SharedStore;
    let cleanup = async () => {};
    let skipped: string | undefined;
    beforeAll(async () => {
      const opened = await target.open();
      if ('skip' in opened) {
        skipped = opened.skip;
        console.warn(`skipping SharedStore ${name}: ${opened.skip}`);
        return;
      }
      ({ store, cleanup } = opened);
    });
    afterAll(async () => {
      if (skipped) return;
      await cleanup();
      await store.close();
    });
    // Skipped with its reason printed (vitest shows the note), never green without the store.
    const test = (title: string, body: () => Promise<void>) =>
      it(title, async (ctx) => (skipped ? ctx.skip(`${name} unavailable: ${skipped}`) : body()));

    test('get/set/delete round trip; absent keys read as undefined', async () => {
      expect(await store.get('a')).toBeUndefined();
      await store.set('a', 'één ✓', MINUTE);
      expect(await store.get('a')).toBe('één ✓');
      await store.set('a', 'two', MINUTE);
      expect(await store.get('a')).toBe('two');
      await store.delete('a');
      expect(await store.get('a')).toBeUndefined();
    });

    test('keys expire after their ttl', async () => {
      await store.set('short', 'x', 60);
      expect(await store.setIfAbsent('short-nx', 'x', 60)).toBe(true);
      await store.increment('short-n', 1, 60);
      await sleep(250);
      expect(await store.get('short')).toBeUndefined();
      expect(await store.get('short-n')).toBeUndefined();
      expect(await store.setIfAbsent('short-nx', 'y', MINUTE)).toBe(true);
    });

    test('setIfAbsent writes once among concurrent callers', async () => {
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) => store.setIfAbsent('once', `v${i}`, MINUTE)),
      );
      expect(results.filter(Boolean)).toHaveLength(1);
      expect(await store.get('once')).toBe(`v${results.indexOf(true)}`);
    });

    test('deleteIfEquals deletes only the matching value', async () => {
      await store.set('lease', 'mine', MINUTE);
      expect(await store.deleteIfEquals('lease', 'theirs')).toBe(false);
      expect(await store.get('lease')).toBe('mine');
      expect(await store.deleteIfEquals('lease', 'mine')).toBe(true);
      expect(await store.get('lease')).toBeUndefined();
      expect(await store.deleteIfEquals('lease', 'mine')).toBe(false);
    });

    test('renewIfEquals extends only the matching value', async () => {
      // A second to renew in (two calls; a Durable Object under a busy machine's load takes time),
      // then past the first TTL by a margin: sleeps only ever overshoot.
      await store.set('renew', 'mine', 1_000);
      expect(await store.renewIfEquals('renew', 'theirs', MINUTE)).toBe(false);
      expect(await store.renewIfEquals('renew', 'mine', MINUTE)).toBe(true);
      await sleep(1_250);
      expect(await store.get('renew')).toBe('mine');
      expect(await store.renewIfEquals('renew-absent', 'mine', MINUTE)).toBe(false);
      expect(await store.get('renew-absent')).toBeUndefined();
    });

    test('logs: appends in order with growing seqs; a retried id is not appended twice', async () => {
      const appended = [];
      for (const id of ['e1', 'e2', 'e3']) appended.push(await store.appendToLog('log-a', id, `value ${id} ✓`, MINUTE));
      expect(appended.map((a) => a.added)).toEqual([true, true, true]);
      const seqs = appended.map((a) => a.seq);
      expect([...seqs].sort((a, b) => a - b)).toEqual(seqs);
      expect(new Set(seqs).size).toBe(3);
      // About the append time × 1000 (cursors stay ahead across a log that expired and started again).
      expect(Math.abs(seqs[0]! / 1000 - Date.now())).toBeLessThan(MINUTE);
      expect(await store.appendToLog('log-a', 'e2', 'another value', MINUTE)).toEqual({ seq: seqs[1], added: false });
      expect(await store.readLog('log-a', 0, 10)).toEqual([
        { seq: seqs[0], id: 'e1', value: 'value e1 ✓' },
        { seq: seqs[1], id: 'e2', value: 'value e2 ✓' },
        { seq: seqs[2], id: 'e3', value: 'value e3 ✓' },
      ]);
      expect((await store.readLog('log-a', seqs[0]!, 1)).map((e) => e.id)).toEqual(['e2']);
      expect(await store.readLog('log-a', seqs[2]!, 10)).toEqual([]);
      expect(await store.readLog('log-absent', 0, 10)).toEqual([]);
      expect(await store.findInLog('log-a', 'e3')).toEqual({ seq: seqs[2], id: 'e3', value: 'value e3 ✓' });
      expect(await store.findInLog('log-a', 'nope')).toBeUndefined();
      expect(await store.countLog('log-a', seqs[0]!, 100)).toBe(2);
      expect(await store.countLog('log-a', 0, 2)).toBe(2);
    });

    test('logs: concurrent appends get distinct seqs, read back in seq order', async () => {
      const results = await Promise.all(
        Array.from({ length: 40 }, (_, i) => store.appendToLog('log-b', `id-${i}`, String(i), MINUTE)),
      );
      expect(new Set(results.map((r) => r.seq)).size).toBe(40);
      const read = await store.readLog('log-b', 0, 100);
      expect(read.map((e) => e.seq)).toEqual(results.map((r) => r.seq).sort((a, b) => a - b));
      for (const entry of read) expect(results[Number(entry.value)]!.seq).toBe(entry.seq);
    });

    test('logs: entries older than the retention are dropped; seqs keep growing', async () => {
      // Two seconds of retention: the new entry must still be there when read right after its
      // append, however busy the machine; the old one is past it by the sleep's margin.
      const first = await store.appendToLog('log-c', 'old', 'x', 2_000);
      await sleep(2_500);
      const second = await store.appendToLog('log-c', 'new', 'y', 2_000);
      expect(second.seq).toBeGreaterThan(first.seq);
      expect((await store.readLog('log-c', 0, 10)).map((e) => e.id)).toEqual(['new']);
      expect(await store.findInLog('log-c', 'old')).toBeUndefined();
      // A retried append of an id that has expired is a new entry.
      expect((await store.appendToLog('log-c', 'old', 'x', MINUTE)).added).toBe(true);
    });

    test('logs: replacing an entry keeps its place, id and seq; an absent one is not made', async () => {
      const seqs = [];
      for (const id of ['r1', 'r2', 'r3'])
        seqs.push((await store.appendToLog('log-r', id, `personal ${id}`, MINUTE)).seq);
      expect(await store.replaceInLog('log-r', 'r2', 'redacted ✓')).toBe(true);
      expect(await store.readLog('log-r', 0, 10)).toEqual([
        { seq: seqs[0], id: 'r1', value: 'personal r1' },
        { seq: seqs[1], id: 'r2', value: 'redacted ✓' },
        { seq: seqs[2], id: 'r3', value: 'personal r3' },
      ]);
      expect(await store.findInLog('log-r', 'r2')).toEqual({ seq: seqs[1], id: 'r2', value: 'redacted ✓' });
      expect(await store.countLog('log-r', 0, 10)).toBe(3);
      expect(await store.replaceInLog('log-r', 'nope', 'x')).toBe(false);
      expect(await store.replaceInLog('log-absent', 'r1', 'x')).toBe(false);
      expect(await store.findInLog('log-r', 'nope')).toBeUndefined();
      // Still one entry per id: a retried append of it is a no-op.
      expect(await store.appendToLog('log-r', 'r2', 'again', MINUTE)).toEqual({ seq: seqs[1], added: false });
    });

    test('increment is atomic and creates absent keys', async () => {
      const values = await Promise.all(Array.from({ length: 25 }, () => store.increment('count', 2, MINUTE)));
      expect(values.sort((a, b) => a - b)).toEqual(Array.from({ length: 25 }, (_, i) => 2 * (i + 1)));
      expect(await store.get('count')).toBe('50');
      expect(await store.increment('count', -10, MINUTE)).toBe(40);
    });

    // No assertion here depends on how fast the machine is: refills are slow next to the few store
    // calls between them (seconds against milliseconds), and waits are the store's own retryAfterMs.
    test('take: a full bucket allows `capacity` and then says when to retry', async () => {
      const limit = { capacity: 5, refillPerSecond: 0.01 };
      const takes = await Promise.all(Array.from({ length: 8 }, () => store.take('bucket', limit)));
      expect(takes.filter((t) => t.allowed)).toHaveLength(5);
      expect(
        takes
          .filter((t) => t.allowed)
          .map((t) => t.remaining)
          .sort(),
      ).toEqual([0, 1, 2, 3, 4]);
      for (const refused of takes.filter((t) => !t.allowed)) {
        expect(refused.remaining).toBe(0);
        // One token at 0.01/s is at most 100 s away (and more than 50 s: the takes did not take that long).
        expect(refused.retryAfterMs).toBeGreaterThan(50_000);
        expect(refused.retryAfterMs).toBeLessThanOrEqual(100_000);
      }
    });

    test('take: tokens come back at the refill rate; cost takes several', async () => {
      const limit = { capacity: 4, refillPerSecond: 2 };
      expect((await store.take('refill', limit, 4)).allowed).toBe(true);
      // 4 tokens take 2 s to come back: the next take of 4 is refused, and says when they are back.
      const refused = await store.take('refill', limit, 4);
      expect(refused.allowed).toBe(false);
      expect(refused.retryAfterMs).toBeGreaterThan(0);
      expect(refused.retryAfterMs).toBeLessThanOrEqual(2000);
      await sleep(refused.retryAfterMs + 50);
      expect((await store.take('refill', limit, 4)).allowed).toBe(true);
      expect(await store.take('other-bucket', limit, 4)).toMatchObject({ allowed: true, remaining: 0 });
    });

    test('takeFromWindow: at most `limit` per window, whatever the alignment; then says when the oldest leaves', async () => {
      const limit = { limit: 4, windowMs: 2000 };
      const takes = await Promise.all(Array.from({ length: 6 }, () => store.takeFromWindow('window', limit)));
      expect(
        takes
          .filter((t) => t.allowed)
          .map((t) => t.remaining)
          .sort(),
      ).toEqual([0, 1, 2, 3]);
      const refused = takes.filter((t) => !t.allowed);
      expect(refused).toHaveLength(2);
      for (const r of refused) expect(r.retryAfterMs).toBeGreaterThan(0);
      for (const r of refused) expect(r.retryAfterMs).toBeLessThanOrEqual(2000);
      await sleep(Math.max(...refused.map((r) => r.retryAfterMs)) + 50);
      expect((await store.takeFromWindow('window', limit)).allowed).toBe(true);
      expect((await store.takeFromWindow('other-window', { limit: 1, windowMs: 60_000 })).allowed).toBe(true);
      expect((await store.takeFromWindow('other-window', { limit: 1, windowMs: 60_000 })).allowed).toBe(false);
    });

    test('index sets: concurrent adds all land; members expire on their own; removal is exact', async () => {
      await Promise.all(Array.from({ length: 20 }, (_, i) => store.addToSet('index', `m${i}`, MINUTE)));
      expect((await store.setMembers('index')).sort()).toEqual(Array.from({ length: 20 }, (_, i) => `m${i}`).sort());
      await store.removeFromSet('index', 'm3');
      await store.removeFromSet('index', 'never-added');
      expect(await store.setMembers('index')).not.toContain('m3');
      expect(await store.setMembers('index')).toHaveLength(19);
      expect(await store.setMembers('no-such-index')).toEqual([]);

      await store.addToSet('mixed', 'brief', 60);
      await store.addToSet('mixed', 'long', MINUTE);
      await sleep(250);
      expect(await store.setMembers('mixed')).toEqual(['long']);
      await store.addToSet('gone', 'brief', 60);
      await sleep(250);
      expect(await store.setMembers('gone')).toEqual([]);
      await store.addToSet('gone', 'again', MINUTE);
      expect(await store.setMembers('gone')).toEqual(['again']);
    });

    test('withLease: 20 concurrent holders never overlap, and all get their turn', async () => {
      let inside = 0;
      let most = 0;
      let turns = 0;
      await Promise.all(
        Array.from({ length: 20 }, () =>
          withLease(store, 'mutex', { ttlMs: 5000, waitMs: 30_000 }, async () => {
            most = Math.max(most, ++inside);
            await sleep(2);
            inside--;
            turns++;
          }),
        ),
      );
      expect(most).toBe(1);
      expect(turns).toBe(20);
      expect(await store.get('mutex')).toBeUndefined();
    });

    test('withLease renewed while its holder works is held past its ttl, and free once the holder is done', async () => {
      const probe = () =>
        withLease(store, 'renewed', { ttlMs: 800, waitMs: 0 }, async () => 'ran').catch((error: unknown) => error);
      const seen = await withLease(store, 'renewed', { ttlMs: 800, waitMs: 0, renewEveryMs: 100 }, async () => {
        await sleep(2_000); // two and a half ttls
        return probe();
      });
      expect(seen).toBeInstanceOf(LeaseBusyError);
      expect(await store.get('renewed')).toBeUndefined();
      expect(await probe()).toBe('ran');
    });

    test('withLease gives up with LeaseBusyError when the lease stays held', async () => {
      await store.set('held', 'someone-else', MINUTE);
      await expect(withLease(store, 'held', { ttlMs: 1000, waitMs: 30 }, async () => 'ran')).rejects.toBeInstanceOf(
        LeaseBusyError,
      );
      expect(await store.get('held')).toBe('someone-else');
    });
  });
}
