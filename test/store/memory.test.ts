import { describe, expect, it } from 'vitest';
import { createKeyedQueue } from '../../src/store/lease.js';
import { createMemoryStore } from '../../src/store/memory.js';
import { sharedStoreSuite } from './suite.js';

sharedStoreSuite('memory', { open: async () => ({ store: createMemoryStore(), cleanup: async () => {} }) });

describe('memory store specifics', () => {
  it('keeps at most maxKeys keys, dropping the oldest writes', async () => {
    const store = createMemoryStore({ maxKeys: 3 });
    for (const key of ['a', 'b', 'c', 'd']) await store.set(key, key, 60_000);
    expect(await store.get('a')).toBeUndefined();
    expect(await store.get('d')).toBe('d');
  });

  it('says how many live keys it dropped, so the gateway can warn the operator', async () => {
    const dropped: number[] = [];
    const store = createMemoryStore({ maxKeys: 3, onEvict: (count) => dropped.push(count) });
    for (const key of ['a', 'b', 'c']) await store.set(key, key, 60_000);
    expect(dropped).toEqual([]);
    await store.set('d', 'd', 60_000);
    expect(dropped).toEqual([1]);
    // An expired key is not a live one: making room by sweeping it is no eviction.
    const clock = { at: 0 };
    const timed = createMemoryStore({ maxKeys: 2, now: () => clock.at, onEvict: (count) => dropped.push(count) });
    await timed.set('x', 'x', 10);
    await timed.set('y', 'y', 60_000);
    clock.at = 20;
    await timed.set('z', 'z', 60_000);
    expect(dropped).toEqual([1]);
  });

  it('past the bound, drops the oldest 1 % at once rather than one key per write', async () => {
    // One eviction per write had every write past the bound walk all the keys (issue 23's bench).
    const dropped: number[] = [];
    const store = createMemoryStore({ maxKeys: 1000, onEvict: (count) => dropped.push(count) });
    for (let i = 0; i < 1020; i++) await store.set(`k${i}`, 'v', 60_000);
    // Write 1001 makes room down to 990 (11 go), write 1012 again.
    expect(dropped).toEqual([11, 11]);
    expect(await store.get('k21')).toBeUndefined();
    expect(await store.get('k22')).toBe('v');
    expect(await store.get('k1019')).toBe('v');
  });

  it('keeps at most 50,000 entries of a log, dropping the oldest 500 at once past that', async () => {
    const full: [string, number][] = [];
    const store = createMemoryStore({ onLogFull: (log, dropped) => full.push([log, dropped]) });
    for (let i = 0; i < 50_001; i++) await store.appendToLog('events:outbox', `e${i}`, String(i), 3_600_000);
    expect(await store.countLog('events:outbox', 0, 100_000)).toBe(49_500);
    expect(full).toEqual([['events:outbox', 501]]);
    const [oldest] = await store.readLog('events:outbox', 0, 1);
    expect(oldest?.id).toBe('e501');
    expect(await store.findInLog('events:outbox', 'e500')).toBeUndefined();
    // Appends below the bound again keep every entry.
    for (let i = 50_001; i < 50_501; i++) await store.appendToLog('events:outbox', `e${i}`, String(i), 3_600_000);
    expect(await store.countLog('events:outbox', 0, 100_000)).toBe(50_000);
  });

  it('keeps an index set of 200,000 members, each add costing the same (no rewrite of the whole set)', async () => {
    // An index member per event of a customer with a long history: the set was one JSON value,
    // parsed and rewritten by every add (200,000 adds took hours), and its expiry was found with a
    // spread past the stack's reach.
    const store = createMemoryStore();
    for (let i = 0; i < 200_000; i++) await store.addToSet('events:about:big', `m${i}`, 60_000);
    const listed = await store.setMembers('events:about:big');
    expect(listed).toHaveLength(200_000);
    expect(listed.at(-1)).toBe('m199999');
  });

  it('lists only the live members of a set, and a set whose last member goes is gone', async () => {
    const clock = { at: 0 };
    const store = createMemoryStore({ now: () => clock.at });
    for (let i = 0; i < 1000; i++) {
      await store.addToSet('session:by-customer:memory:1', `old${i}`, 10);
      clock.at += 1;
    }
    clock.at += 100;
    await store.addToSet('session:by-customer:memory:1', 'new', 60_000);
    expect(await store.setMembers('session:by-customer:memory:1')).toEqual(['new']);
    await store.removeFromSet('session:by-customer:memory:1', 'new');
    expect(await store.setMembers('session:by-customer:memory:1')).toEqual([]);
  });

  it('token bucket follows the injected clock exactly', async () => {
    let now = 1_000_000;
    const store = createMemoryStore({ now: () => now });
    const limit = { capacity: 300, refillPerSecond: 5 }; // SCAYLE: 300 a minute
    for (let i = 0; i < 300; i++) expect((await store.take('scayle', limit)).allowed).toBe(true);
    expect(await store.take('scayle', limit)).toEqual({ allowed: false, remaining: 0, retryAfterMs: 200 });
    now += 200;
    expect(await store.take('scayle', limit)).toEqual({ allowed: true, remaining: 0, retryAfterMs: 0 });
  });
});

describe('memory store: sliding window on an injected clock', () => {
  it('never lets more than `limit` through any window, and names the moment the oldest leaves', async () => {
    let now = 5_000_000;
    const store = createMemoryStore({ now: () => now });
    const limit = { limit: 3, windowMs: 60_000 };
    for (const at of [0, 10_000, 20_000]) {
      now = 5_000_000 + at;
      expect((await store.takeFromWindow('open2b', limit)).allowed).toBe(true);
    }
    now = 5_000_000 + 59_999;
    expect(await store.takeFromWindow('open2b', limit)).toEqual({ allowed: false, remaining: 0, retryAfterMs: 1 });
    now = 5_000_000 + 60_000; // the first take left the window
    expect(await store.takeFromWindow('open2b', limit)).toEqual({ allowed: true, remaining: 0, retryAfterMs: 0 });
    expect(await store.takeFromWindow('open2b', limit)).toEqual({ allowed: false, remaining: 0, retryAfterMs: 10_000 });
  });
});

describe('keyed queue', () => {
  it('runs same-key work one at a time in arrival order, other keys in parallel, and forgets idle keys', async () => {
    const queue = createKeyedQueue();
    const order: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const first = queue.run('k', async () => {
      await gate;
      order.push('k1');
    });
    const second = queue.run('k', async () => {
      order.push('k2');
      throw new Error('boom');
    });
    const third = queue.run('k', async () => order.push('k3'));
    await queue.run('other', async () => order.push('other'));
    release();
    await first;
    await expect(second).rejects.toThrow('boom');
    await third;
    expect(order).toEqual(['other', 'k1', 'k2', 'k3']);
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(queue.size).toBe(0);
  });
});
