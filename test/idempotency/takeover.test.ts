import { describe, expect, it } from 'vitest';
import type { ScayleBackdoor } from '../../emulators/scayle/index.js';
import type { Emulator } from '../../emulators/shared/types.js';
import { createMemoryStore } from '../../src/store/memory.js';
import type { SharedStore } from '../../src/store/types.js';
import { eventsGateway } from '../events/support.js';
import { uniqueTag } from '../conformance/harness.js';

/**
 * Two retries of a write whose outcome is unknown, the second arriving while the first takes the
 * key over: the second must not find the key free and run the write afresh (it would register the
 * customer again, get "email already used" and keep that answer for 24 h). The store pauses the
 * first retry right after its first write to the key, and the second runs whole in that moment.
 */
describe('Idempotency-Key: concurrent retries of an unknown outcome', () => {
  it('one retry recovers the write; the other is told to wait, never runs it again', async () => {
    const base = createMemoryStore();
    let armed = false;
    let meanwhile: (() => Promise<void>) | undefined;
    const writes = new Set(['set', 'setIfAbsent', 'deleteIfEquals']);
    const store = new Proxy(base, {
      get(target, name: keyof SharedStore) {
        const method = target[name];
        if (typeof method !== 'function') return method;
        return async (...args: unknown[]) => {
          const result = await (method as (...a: unknown[]) => Promise<unknown>).apply(target, args);
          const key = String(args[0]);
          if (name === 'get' && typeof result === 'string' && result.includes('"uncertain"')) armed = true;
          else if (armed && writes.has(name) && key.startsWith('idempotency:') && meanwhile) {
            const second = meanwhile;
            meanwhile = undefined;
            armed = false;
            await second();
          }
          return result;
        };
      },
    });
    const gw = eventsGateway({ BACKENDS: 'scayle', EVENTS: 'off' }, [], store);
    const scayle = gw.deps.emulators.get('scayle') as Emulator<ScayleBackdoor>;
    const input = { email: `takeover-${uniqueTag()}@example.com`, lastName: 'Takeover' };
    const key = { 'idempotency-key': '"takeover-1"' };

    // The first attempt: SCAYLE stores the customer, its answer is lost.
    scayle.faults.inject({ method: 'POST', path: '/customers', lostAnswer: true, times: 1 });
    const lost = await gw.call('POST', '/v1/customers', input, key);
    expect(lost.status).toBeGreaterThanOrEqual(500);

    let second: { status: number; body: any } | undefined;
    meanwhile = async () => {
      second = await gw.call('POST', '/v1/customers', input, key);
    };
    const first = await gw.call('POST', '/v1/customers', input, key);
    expect(second, 'the second retry ran while the first took the key over').toBeDefined();
    expect(first.status, JSON.stringify(first.body)).toBe(201);
    expect(second!.status, JSON.stringify(second!.body)).toBe(409);
    expect(second!.body.detail).toContain('still being processed');
    expect(scayle.backdoor.readAll().filter((c) => c.email === input.email)).toHaveLength(1);
    const later = await gw.call('POST', '/v1/customers', input, key);
    expect(later.status).toBe(201);
    expect(later.headers.get('idempotent-replayed')).toBe('true');
  });
});
