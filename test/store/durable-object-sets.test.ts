import { describe, expect, it } from 'vitest';
import { SharedStoreObject } from '../../src/store/durable-object.js';

/**
 * The Durable Object's index sets against a storage that records every write: the backdoor for
 * what one add costs in stored bytes, which the Miniflare suite (test/store/durable-objects.test.ts)
 * cannot see. Storage semantics as a Durable Object's: get/put/delete, list in key order.
 */
function objectWithBackdoor() {
  const data = new Map<string, unknown>();
  const puts: { key: string; bytes: number }[] = [];
  const storage = {
    get: async <T>(key: string) => data.get(key) as T | undefined,
    put: async <T>(key: string, value: T) => {
      puts.push({ key, bytes: key.length + JSON.stringify(value).length });
      data.set(key, structuredClone(value));
    },
    delete: async (key: string) => data.delete(key),
    list: async <T>(options: { prefix?: string; startAfter?: string; limit?: number } = {}) => {
      const keys = [...data.keys()]
        .filter((key) => key.startsWith(options.prefix ?? '') && key > (options.startAfter ?? ''))
        .sort()
        .slice(0, options.limit ?? Infinity);
      return new Map(keys.map((key) => [key, data.get(key) as T]));
    },
    getAlarm: async () => 1,
    setAlarm: async () => {},
  };
  const object = new SharedStoreObject({ storage }, {});
  const op = async (name: string, ...args: unknown[]) => {
    const response = await object.fetch(
      new Request('https://shared-store/', { method: 'POST', body: JSON.stringify({ op: name, args }) }),
    );
    return ((await response.json()) as { result: unknown }).result;
  };
  return { op, puts, data };
}

const DAY = 24 * 3600_000;

describe('Durable Objects store: index sets', () => {
  it('an add writes one small entry however large the set is', async () => {
    const { op, puts } = objectWithBackdoor();
    for (let i = 0; i < 2_000; i++)
      await op('addToSet', 'session:spent:abc', `digest-${String(i).padStart(26, '0')}`, DAY);
    expect((await op('setMembers', 'session:spent:abc')) as string[]).toHaveLength(2_000);
    // One JSON value per set grew with every add: the last one rewrote ~100 KB.
    expect(Math.max(...puts.map((p) => p.bytes))).toBeLessThan(200);
  });

  it('removes one member, and deleting the set’s key deletes them all', async () => {
    const { op, data } = objectWithBackdoor();
    for (const member of ['a', 'b', 'c']) await op('addToSet', 'index', member, DAY);
    await op('addToSet', 'index-other', 'a', DAY);
    await op('removeFromSet', 'index', 'b');
    expect(((await op('setMembers', 'index')) as string[]).sort()).toEqual(['a', 'c']);
    await op('delete', 'index');
    expect(await op('setMembers', 'index')).toEqual([]);
    expect(await op('setMembers', 'index-other')).toEqual(['a']);
    expect([...data.keys()].filter((key) => key.startsWith('index|'))).toEqual([]);
  });

  it('a set stored by the version before (one JSON value at its key) is still read, added to and removed from', async () => {
    const { op } = objectWithBackdoor();
    const later = Date.now() + DAY;
    await op('set', 'events:about:x', JSON.stringify({ old1: later, old2: later, gone: Date.now() - 1 }), DAY);
    await op('addToSet', 'events:about:x', 'new', DAY);
    expect(((await op('setMembers', 'events:about:x')) as string[]).sort()).toEqual(['new', 'old1', 'old2']);
    await op('removeFromSet', 'events:about:x', 'old1');
    expect(((await op('setMembers', 'events:about:x')) as string[]).sort()).toEqual(['new', 'old2']);
    await op('delete', 'events:about:x');
    expect(await op('setMembers', 'events:about:x')).toEqual([]);
  });
});
