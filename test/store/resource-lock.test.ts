import { describe, expect, it } from 'vitest';
import { createMemoryStore } from '../../src/store/memory.js';
import { createResourceLock } from '../../src/store/resource-lock.js';

describe('resource lock', () => {
  it('fleet-wide: a lease held elsewhere is waited for, then answered 409 with Retry-After when it stays held', async () => {
    const store = createMemoryStore();
    await store.set('lock:scayle/42', 'another-instance', 60_000);
    const lock = createResourceLock(store, { fleetWide: true, leaseTtlMs: 5_000, waitMs: 50 });
    await expect(lock('scayle/42', new AbortController().signal, async () => 'wrote')).rejects.toMatchObject({
      status: 409,
      code: 'conflict',
      retryAfter: 1,
    });
    await store.delete('lock:scayle/42');
    expect(await lock('scayle/42', new AbortController().signal, async () => 'wrote')).toBe('wrote');
    expect(await store.get('lock:scayle/42')).toBeUndefined();
  });

  it('fleet-wide: the request deadline passing while waiting is a 504, not a 500', async () => {
    const store = createMemoryStore();
    await store.set('lock:open2b/7', 'another-instance', 60_000);
    const lock = createResourceLock(store, { fleetWide: true, leaseTtlMs: 5_000, waitMs: 60_000 });
    await expect(lock('open2b/7', AbortSignal.timeout(30), async () => 'wrote')).rejects.toMatchObject({
      status: 504,
      code: 'upstream_timeout',
    });
  });

  it('within an instance: no store lease is taken, same-key writes run one at a time', async () => {
    const store = createMemoryStore();
    // waitMs is ample: ten 1 ms holders in a row must never time out, on however slow a machine.
    const lock = createResourceLock(store, { fleetWide: false, leaseTtlMs: 5_000, waitMs: 30_000 });
    let inside = 0;
    let most = 0;
    await Promise.all(
      Array.from({ length: 10 }, () =>
        lock('memory/1', new AbortController().signal, async () => {
          most = Math.max(most, ++inside);
          expect(await store.get('lock:memory/1')).toBeUndefined();
          await new Promise((r) => setTimeout(r, 1));
          inside--;
        }),
      ),
    );
    expect(most).toBe(1);
  });
});
