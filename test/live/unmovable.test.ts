import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GatewayUnderTest } from '../conformance/harness.js';
import { liveGateway, type Platforms, servePair, storable } from './support.js';

/**
 * A customer whose data the target cannot hold (three addresses for Open2b's two slots) cannot be
 * moved: a write through `live` is a 422 naming why, as for a value the target refuses, not a 501
 * that would tell a client this backend cannot update customers at all. Nothing is written.
 */
describe('live scayle -> open2b: a customer the target cannot hold', () => {
  let platforms: Platforms;
  let gw: GatewayUnderTest;
  beforeAll(async () => {
    platforms = await servePair('scayle', 'open2b');
    gw = liveGateway(platforms, 'scayle->open2b', { LIVE_MIGRATION_INACTIVE: 'on' });
  });
  afterAll(async () => platforms.close());

  it('a write is a 422 rejected saying why; the customer stays readable from the source', async () => {
    const { addresses, ...customer } = storable();
    const address = addresses[0]!;
    const three = [1, 2, 3].map((n) => ({ ...address, line1: `Hauptstraße ${n}`, isDefaultBilling: n === 1 }));
    const created = await gw.call('POST', '/v1/backends/scayle/customers', { ...customer, addresses: three });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const refused = await gw.call('PATCH', `/customers/${created.body.id}`, { firstName: 'Tri' });
    expect(refused.status, JSON.stringify(refused.body)).toBe(422);
    expect(refused.body).toMatchObject({ code: 'rejected', detail: expect.stringMatching(/3 addresses.*at most 2/) });
    expect(await platforms.backdoor('open2b').readAll()).toEqual([]);
    expect((await gw.call('GET', `/customers/${created.body.id}`)).body).toMatchObject({
      email: customer.email,
      migration: { state: 'source' },
    });
  });
});
