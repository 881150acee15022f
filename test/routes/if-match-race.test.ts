import { describe, expect, it } from 'vitest';
import { createOpen2bEmulator } from '../../emulators/open2b/index.js';
import { createScapiEmulator } from '../../emulators/scapi/index.js';
import { createScayleEmulator } from '../../emulators/scayle/index.js';
import { createSfccEmulator } from '../../emulators/sfcc/index.js';
import { gatewayForTarget, loopbackEmulator, type ConformanceTarget } from '../conformance/suite.js';
import { type GatewayUnderTest, uniqueTag } from '../conformance/harness.js';
import { raceCustomer } from './race.js';

/**
 * Issue 8 point 4: N writers holding the same current ETag race; exactly one may win. Before the
 * per-resource lock, SCAYLE and Open2b (ETags derived by the gateway) answered 50 × 200.
 */
const targets: ConformanceTarget[] = [
  { backend: 'memory', setup: async () => ({ env: { BACKENDS: 'memory' } }) },
  loopbackEmulator('sfcc', () => createSfccEmulator()),
  loopbackEmulator('scayle', () => createScayleEmulator()),
  loopbackEmulator('open2b', () => createOpen2bEmulator()),
  loopbackEmulator('scapi', () => createScapiEmulator()),
];
const WRITERS = 50;

/** Fires `WRITERS` PATCHes at once, all with the same If-Match; returns the statuses and the winner's body. */
async function race(gw: GatewayUnderTest, path: string, etag: string, patchOf: (i: number) => Record<string, unknown>) {
  const answers = await Promise.all(
    Array.from({ length: WRITERS }, (_, i) => gw.call('PATCH', path, patchOf(i), { 'if-match': etag })),
  );
  const statuses = answers.map((a) => a.status);
  return {
    ok: statuses.filter((s) => s === 200).length,
    preconditionFailed: statuses.filter((s) => s === 412).length,
    others: statuses.filter((s) => s !== 200 && s !== 412),
    winner: answers.find((a) => a.status === 200),
  };
}

describe.each(targets)('one winner per If-Match: $backend', (target) => {
  const gw = gatewayForTarget(target);

  it(`${WRITERS} concurrent customer PATCHes with the current If-Match: one 200, the rest 412, and the winner's change is what is stored`, async () => {
    const created = await gw.call('POST', '/customers', raceCustomer());
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const current = await gw.call('GET', `/customers/${created.body.id}`);
    const result = await race(gw, `/customers/${created.body.id}`, current.headers.get('etag')!, (i) => ({
      firstName: `Writer${i}`,
    }));
    expect(result.others).toEqual([]);
    expect(result.ok).toBe(1);
    expect(result.preconditionFailed).toBe(WRITERS - 1);
    const after = await gw.call('GET', `/customers/${created.body.id}`);
    expect(after.body.firstName).toBe(result.winner!.body.firstName);
    expect(after.headers.get('etag')).toBe(result.winner!.headers.get('etag'));
  });

  it(`${WRITERS} concurrent PATCHes, half by ref:<externalRef> and half by native id, still have one winner`, async () => {
    const tag = uniqueTag();
    const created = await gw.call('POST', '/customers', { ...raceCustomer(tag), externalRef: `crm-${tag}` });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const current = await gw.call('GET', `/customers/${created.body.id}`);
    const answers = await Promise.all(
      Array.from({ length: WRITERS }, (_, i) =>
        gw.call(
          'PATCH',
          i % 2 ? `/customers/${encodeURIComponent(created.body.id)}` : `/customers/ref:crm-${tag}`,
          { firstName: `Writer${i}` },
          { 'if-match': current.headers.get('etag')! },
        ),
      ),
    );
    expect(answers.filter((a) => a.status === 200)).toHaveLength(1);
    expect(answers.filter((a) => a.status === 412)).toHaveLength(WRITERS - 1);
  });

  it(`${WRITERS} concurrent address PATCHes with the current If-Match: one 200, the rest 412`, async () => {
    const created = await gw.call('POST', '/customers', raceCustomer());
    const customerId = encodeURIComponent(created.body.id);
    const addressId = encodeURIComponent((await gw.call('GET', `/customers/${customerId}/addresses`)).body.items[0].id);
    const current = await gw.call('GET', `/customers/${customerId}/addresses/${addressId}`);
    const result = await race(
      gw,
      `/customers/${customerId}/addresses/${addressId}`,
      current.headers.get('etag')!,
      (i) => ({ line2: `Hinterhaus ${i}` }),
    );
    expect(result.others).toEqual([]);
    expect(result.ok).toBe(1);
    expect(result.preconditionFailed).toBe(WRITERS - 1);
    const after = await gw.call('GET', `/customers/${customerId}/addresses/${addressId}`);
    expect(after.body.line2).toBe(result.winner!.body.line2);
  });
});
