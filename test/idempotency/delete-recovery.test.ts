import { describe, expect, it } from 'vitest';
import type { Emulator } from '../../emulators/shared/types.js';
import { uniqueTag } from '../conformance/harness.js';
import { eventsGateway, recordingSink } from '../events/support.js';
import { berlinAddress } from '../support/address.js';

/**
 * A customer delete the platform applied while its answer was lost. Whoever retries it (the
 * gateway's own retry of the idempotent call, or the client with the same Idempotency-Key) finds
 * nothing to delete: the delete still happened through the gateway, so the caller gets 204, the
 * customer's shopper sessions end and `customer.deleted` goes out — also for a `ref:` path, which
 * no longer resolves once the customer is gone.
 */
const BACKENDS = ['scayle', 'open2b', 'scapi'];
/** The platform call that deletes a customer, per backend. */
const DELETE_CALL: Record<string, { method: string; path: RegExp }> = {
  scayle: { method: 'DELETE', path: /\/customers\/[^/]+$/ },
  open2b: { method: 'POST', path: /\/commerce\.customers\.delete$/ },
  scapi: { method: 'DELETE', path: /\/customer-lists\/[^/]+\/customers\/[^/]+$/ },
};
const PASSWORD = 'Str0ng!Passw0rd';
// Short enough for a delete held past it (below), long enough for the registration and sign-in
// that set each case up on a busy machine (at 400 ms a loaded run's registration timed out).
const DEADLINE_MS = 1_500;

function setup() {
  const gw = eventsGateway({ BACKENDS: BACKENDS.join(','), REQUEST_TIMEOUT_MS: String(DEADLINE_MS) }, [
    recordingSink(),
  ]);
  const emulator = (backend: string) => gw.deps.emulators.get(backend) as Emulator<any>;
  /** A registered customer with an external reference and, where the backend has them, a shopper session. */
  const customer = async (backend: string) => {
    const tag = uniqueTag();
    const created = await gw.call('POST', `/v1/backends/${backend}/customers`, {
      email: `gone-${tag}@example.com`,
      externalRef: `crm-${tag}`,
      firstName: 'Gerda',
      lastName: 'Weg',
      password: PASSWORD,
      addresses: [berlinAddress({ firstName: 'Gerda', lastName: 'Weg' })],
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const login = gw.deps.backends.get(backend)!.capabilities.shopperLogin
      ? await gw.call('POST', `/v1/backends/${backend}/auth/login`, { email: created.body.email, password: PASSWORD })
      : undefined;
    if (login) expect(login.status, JSON.stringify(login.body)).toBe(200);
    return { id: created.body.id as string, ref: `ref:crm-${tag}`, refreshToken: login?.body.refreshToken as string };
  };
  const stillThere = async (backend: string, id: string) =>
    (await gw.call('GET', `/v1/backends/${backend}/customers/${encodeURIComponent(id)}`)).status !== 404;
  /** What the customer's shopper session (if any) and the event stream say once it is deleted. */
  const expectDeletedEverywhere = async (backend: string, who: { id: string; refreshToken?: string }) => {
    expect(await stillThere(backend, who.id)).toBe(false);
    // The outbox holds what will be delivered: it is written before the answer.
    const recorded = (await gw.events.outbox.read(0, 100_000)).map((entry) => entry.event);
    expect(recorded.filter((e) => e.type === 'customer.deleted' && e.subject === who.id)).toHaveLength(1);
    if (who.refreshToken)
      expect((await gw.call('POST', '/v1/auth/refresh', { refreshToken: who.refreshToken })).status).toBe(401);
  };
  return { gw, emulator, customer, stillThere, expectDeletedEverywhere };
}

describe('a customer delete whose answer was lost', () => {
  const { gw, emulator, customer, stillThere, expectDeletedEverywhere } = setup();

  it.each(BACKENDS)('%s: a retry that finds nothing answers 204 as the delete it was', async (backend) => {
    for (const by of ['id', 'ref'] as const) {
      const who = await customer(backend);
      emulator(backend).faults.inject({ ...DELETE_CALL[backend]!, lostAnswer: true, times: 1 });
      const path = `/v1/backends/${backend}/customers/${by === 'id' ? encodeURIComponent(who.id) : who.ref}`;
      let deleted: Awaited<ReturnType<typeof gw.call>>;
      if (backend === 'open2b') {
        // Open2b deletes with a POST, which the gateway does not retry: the caller learns the outcome
        // is unknown (503) and retries with its Idempotency-Key.
        const key = { 'idempotency-key': `"lost-${uniqueTag()}"` };
        const unknown = await gw.call('DELETE', path, undefined, key);
        expect(unknown.status, JSON.stringify(unknown.body)).toBe(503);
        deleted = await gw.call('DELETE', path, undefined, key);
      } else {
        // SCAYLE's and SCAPI's DELETE the gateway retries itself: no key needed.
        deleted = await gw.call('DELETE', path);
      }
      expect(deleted.status, `${by}: ${JSON.stringify(deleted.body)}`).toBe(204);
      await expectDeletedEverywhere(backend, who);
    }
    // A customer that never existed is still a 404, also when a read before the delete lost its
    // answer (Open2b reads with POSTs too: they are not deletes).
    if (backend === 'open2b')
      emulator(backend).faults.inject({
        method: 'POST',
        path: /\/commerce\.customers\.(get|find)$/,
        lostAnswer: true,
        times: 1,
      });
    const missing = await gw.call('DELETE', `/v1/backends/${backend}/customers/${encodeURIComponent('4040404')}`);
    expect(missing.status, JSON.stringify(missing.body)).toBe(404);
    // The fault was spent: the read before the delete really lost its answer.
    if (backend === 'open2b') expect(emulator(backend).faults.active).toEqual([]);
  });

  it.each(BACKENDS)(
    '%s: by ref:, cut off by the deadline and retried with the Idempotency-Key, the retry ends sessions and emits the event',
    async (backend) => {
      const who = await customer(backend);
      emulator(backend).faults.inject({ ...DELETE_CALL[backend]!, latencyMs: DEADLINE_MS + 600, times: 1 });
      const key = { 'idempotency-key': `"delete-${uniqueTag()}"` };
      const path = `/v1/backends/${backend}/customers/${who.ref}`;
      const first = await gw.call('DELETE', path, undefined, key);
      expect(first.status, JSON.stringify(first.body)).toBe(504);
      for (let i = 0; i < 100 && (await stillThere(backend, who.id)); i++)
        await new Promise((resolve) => setTimeout(resolve, 50));
      const retried = await gw.call('DELETE', path, undefined, key);
      expect(retried.status, JSON.stringify(retried.body)).toBe(204);
      await expectDeletedEverywhere(backend, who);
    },
  );
});
