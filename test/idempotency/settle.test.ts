import { describe, expect, it } from 'vitest';
import type { Emulator } from '../../emulators/shared/types.js';
import { buildGateway, type TestResponse, uniqueTag } from '../conformance/harness.js';
import { registration, registrationsOf, retryUntilSettled, slowRegistration } from './settle-support.js';

/**
 * Honest duplicates (issue 21 point 6): the platform takes longer than the gateway's deadline to
 * store a registration, so the caller gets 504 while the write still lands. A retry with the same
 * Idempotency-Key must not register a second customer — on any backend, including Open2b's
 * inactive customers without a password, whose email need not be unique. The key stays in flight
 * (409, Retry-After) until the first attempt has settled, then replays its real answer.
 * test/e2e/settle.test.ts does the same through npm start over HTTP.
 */
const DEADLINE_MS = 300;
/** The platform stores the registration this long after it arrived: well after the gateway's 504. */
const SLOW_MS = DEADLINE_MS + 1_500;

function setup(backend: string, env: Record<string, string> = {}) {
  const gw = buildGateway(backend, { BACKENDS: backend, REQUEST_TIMEOUT_MS: String(DEADLINE_MS), ...env });
  const emulator = gw.deps.emulators.get(backend) as Emulator<any>;
  const tag = uniqueTag();
  const input = registration(tag);
  const register = (): Promise<TestResponse> =>
    gw.call('POST', '/customers', input, { 'idempotency-key': `"settle-${tag}"` });
  return { gw, emulator, input, register };
}

describe('a registration whose answer the deadline cut off, retried with the same Idempotency-Key', () => {
  it.concurrent.each(['sfcc', 'scayle', 'open2b', 'scapi'])(
    '%s: stores one customer (inactive, no password) and replays the real 201 once the platform has written it',
    async (backend) => {
      const { gw, emulator, input, register } = setup(backend);
      slowRegistration(backend, emulator, SLOW_MS);

      const first = await register();
      expect(first.status, JSON.stringify(first.body)).toBe(504);
      expect(first.body).toMatchObject({
        code: 'upstream_timeout',
        detail: expect.stringContaining('Idempotency-Key'),
      });
      // The platform has not stored it yet: a retry now waits instead of registering again.
      const early = await register();
      expect(early.status, JSON.stringify(early.body)).toBe(409);
      expect(Number(early.headers.get('retry-after'))).toBeGreaterThan(0);

      const settled = await retryUntilSettled(register);
      expect(settled.status, JSON.stringify(settled.body)).toBe(201);
      expect(settled.headers.get('idempotent-replayed')).toBe('true');
      expect(settled.headers.get('location')).toContain(`/customers/${encodeURIComponent(settled.body.id)}`);
      expect(settled.body).toMatchObject({ email: input.email, status: { active: false } });
      expect(await registrationsOf(backend, emulator, input.email)).toEqual([settled.body.id]);
      // The kept answer holds the whole customer: it is indexed under the customer, for erasure.
      const index = `idempotency:by-customer:${encodeURIComponent(backend)}:${encodeURIComponent(settled.body.id)}`;
      let indexed: string[] = [];
      for (let i = 0; i < 50 && indexed.length === 0; i++) {
        indexed = await gw.deps.store.setMembers(index);
        if (indexed.length === 0) await new Promise((resolve) => setTimeout(resolve, 20));
      }
      expect(indexed).toHaveLength(1);
    },
  );

  // The other two run with a 1 s deadline, so that the retry's own work fits in it on a slow machine.
  it.concurrent('control: cut at the deadline (WRITE_SETTLE_MS=0), Open2b stores the inactive customer twice', async () => {
    const { emulator, input, register } = setup('open2b', { WRITE_SETTLE_MS: '0', REQUEST_TIMEOUT_MS: '1000' });
    // Stored 4 s after the 504: the retry's recovery looks before that, and registers again.
    slowRegistration('open2b', emulator, 5_000);
    expect((await register()).status).toBe(504);
    expect((await register()).status).toBe(201);
    let stored: string[] = [];
    for (let i = 0; i < 200 && stored.length < 2; i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      stored = await registrationsOf('open2b', emulator, input.email);
    }
    expect(stored).toHaveLength(2);
  });

  it.concurrent('a create slower than the settle window too is cut at its end; the key is then free for recovery', async () => {
    const { emulator, input, register } = setup('scayle', { WRITE_SETTLE_MS: '200', REQUEST_TIMEOUT_MS: '1000' });
    slowRegistration('scayle', emulator, 60_000);
    expect((await register()).status).toBe(504);
    // Its outcome unknown once the window ended, a retry runs again (recovery) and registers: the first never lands.
    const retried = await retryUntilSettled(register, 10);
    expect(retried.status, JSON.stringify(retried.body)).toBe(201);
    expect(await registrationsOf('scayle', emulator, input.email)).toEqual([retried.body.id]);
  });
});
