import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createScayleEmulator, type ScayleBackdoor } from '../../emulators/scayle/index.js';
import { serveOnLoopback } from '../../emulators/shared/runtime.js';
import type { Emulator } from '../../emulators/shared/types.js';
import { createSfccEmulator, type SfccBackdoor } from '../../emulators/sfcc/index.js';
import { buildGateway, type GatewayUnderTest, type TestResponse, uniqueTag } from '../conformance/harness.js';

/**
 * Issue 13 point 6: 10 % of upstream calls are applied by the platform and then lose their answer.
 * A storefront retries each write with the same Idempotency-Key; the platform must end up with
 * every write exactly once. Bounded: 24 shoppers × 3 writes, at most 12 attempts each.
 */
interface StoredCustomer {
  firstName?: unknown;
  addresses: number;
}
interface ChaosTarget {
  backend: string;
  create(): Emulator<unknown>;
  /** What the platform really holds for an email, read on the emulator's backdoor. */
  stored(emulator: Emulator<unknown>, email: string): StoredCustomer[];
}

const targets: ChaosTarget[] = [
  {
    backend: 'scayle',
    create: () => createScayleEmulator(),
    stored: (e, email) =>
      (e as Emulator<ScayleBackdoor>).backdoor
        .readAll()
        .filter((c) => c.email === email)
        .map((c) => ({ firstName: c.firstName, addresses: c.addresses.length })),
  },
  {
    backend: 'sfcc',
    create: () => createSfccEmulator(),
    stored: (e, email) => {
      const { backdoor } = e as Emulator<SfccBackdoor>;
      return backdoor
        .readAll()
        .filter((c) => c.email === email)
        .map((c) => ({ firstName: c.first_name, addresses: backdoor.readAddresses(c.customer_id).length }));
    },
  },
];
const SHOPPERS = 24;
const MAX_ATTEMPTS = 12;

/** A storefront's write: retried with the same Idempotency-Key while the answer is a 5xx or "still running". */
async function write(
  gw: GatewayUnderTest,
  method: string,
  path: string,
  body: unknown,
  stats: { failedAttempts: number },
): Promise<TestResponse> {
  const key = `"${crypto.randomUUID()}"`;
  for (let attempt = 1; ; attempt++) {
    const res = await gw.call(method, path, body, { 'idempotency-key': key });
    if ((res.status < 500 && res.status !== 409) || attempt === MAX_ATTEMPTS) return res;
    stats.failedAttempts++;
  }
}

describe.each(targets)('chaos: lost answers and retried writes ($backend)', (target) => {
  let emulator: Emulator<unknown>;
  let gw: GatewayUnderTest;
  let close: () => Promise<void>;
  beforeAll(async () => {
    emulator = target.create();
    const server = await serveOnLoopback(emulator.app);
    close = server.close;
    gw = buildGateway(target.backend, { BACKENDS: target.backend, ...emulator.connectionEnv(server.origin) });
  });
  afterAll(async () => close());

  it('without Idempotency-Key, a retried address create whose answer was lost is stored twice (the fault is real)', async () => {
    const tag = uniqueTag();
    const email = `chaos-control-${tag}@example.com`;
    const created = await gw.call('POST', '/customers', {
      email,
      firstName: 'Erika',
      lastName: `Chaos${tag.slice(-6)}`,
    });
    emulator.faults.inject({ method: 'POST', path: '/addresses', lostAnswer: true, times: 1 });
    const address = {
      firstName: 'Erika',
      lastName: 'Chaos',
      line1: 'Hauptstraße 5',
      city: 'Berlin',
      postalCode: '10115',
      countryCode: 'DE',
    };
    expect(
      (await gw.call('POST', `/customers/${encodeURIComponent(created.body.id)}/addresses`, address)).status,
    ).toBeGreaterThanOrEqual(500);
    expect((await gw.call('POST', `/customers/${encodeURIComponent(created.body.id)}/addresses`, address)).status).toBe(
      201,
    );
    expect(target.stored(emulator, email)).toEqual([{ firstName: 'Erika', addresses: 2 }]);
  });

  it(`${SHOPPERS} shoppers register, rename and add an address with 10 % of upstream answers lost: 0 duplicates, 0 lost writes`, async () => {
    emulator.faults.inject({ lostAnswer: true, rate: 0.1 });
    const stats = { failedAttempts: 0 };
    const shoppers = Array.from({ length: SHOPPERS }, () => {
      const tag = uniqueTag();
      return { tag, email: `chaos-${tag}@example.com`, lastName: `Chaos${tag.slice(-6)}` };
    });
    const outcomes = await Promise.all(
      shoppers.map(async ({ tag, email, lastName }) => {
        const registered = await write(
          gw,
          'POST',
          '/customers',
          { email, firstName: 'Erika', lastName, password: 'Str0ng!Passw0rd' },
          stats,
        );
        if (registered.status !== 201) return `register ${registered.status} ${JSON.stringify(registered.body)}`;
        const id = encodeURIComponent(registered.body.id);
        const renamed = await write(gw, 'PATCH', `/customers/${id}`, { firstName: `Renamed${tag.slice(-4)}` }, stats);
        if (renamed.status !== 200) return `rename ${renamed.status} ${JSON.stringify(renamed.body)}`;
        const address = {
          firstName: 'Erika',
          lastName,
          line1: `Hauptstraße ${tag.slice(-3)}`,
          city: 'Berlin',
          postalCode: '10115',
          countryCode: 'DE',
        };
        const added = await write(gw, 'POST', `/customers/${id}/addresses`, address, stats);
        return added.status === 201 ? 'ok' : `address ${added.status} ${JSON.stringify(added.body)}`;
      }),
    );
    emulator.faults.clear();
    expect(outcomes.filter((o) => o !== 'ok')).toEqual([]);
    // The faults did fire (else this proves nothing): some attempts failed and were retried.
    expect(stats.failedAttempts).toBeGreaterThan(0);
    for (const { tag, email } of shoppers) {
      expect(target.stored(emulator, email), email).toEqual([{ firstName: `Renamed${tag.slice(-4)}`, addresses: 1 }]);
    }
  });
});
