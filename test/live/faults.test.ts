import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GatewayUnderTest } from '../conformance/harness.js';
import { liveGateway, onTarget, PASSWORD, type Platforms, type Seeded, seedSource, servePair } from './support.js';

/** Mirror mode, a platform down, and the cut-over (phase `target`) with the source stopped. */

const pair = 'open2b->scayle';

describe('live migration: mirror mode', () => {
  let platforms: Platforms;
  let gw: GatewayUnderTest;
  let customers: Seeded[];
  beforeAll(async () => {
    platforms = await servePair('open2b', 'scayle');
    gw = liveGateway(platforms, pair, { LIVE_MIGRATION_MIRROR: 'on' });
    customers = await seedSource(gw, 'open2b', 1);
  });
  afterAll(async () => platforms.close());

  it('applies writes to moved customers to the source too, so a roll-back loses nothing', async () => {
    const c = customers[0]!;
    expect((await gw.call('PATCH', `/customers/${c.id}`, { firstName: 'Mirrored' })).status).toBe(200);
    const addressId = (await gw.call('GET', `/customers/${c.id}/addresses`)).body.items[0].id;
    const address = await gw.call('PATCH', `/customers/${c.id}/addresses/${addressId}`, {
      city: 'München',
      postalCode: '80331',
    });
    expect(address.status, JSON.stringify(address.body)).toBe(200);
    const source = await platforms.backdoor('open2b').readCustomer(Number(c.id));
    expect(source.billingAddress).toMatchObject({ firstName: 'Mirrored', city: 'München', postalCode: '80331' });
    expect((await onTarget(platforms, 'scayle', c.email)).record).toMatchObject({ firstName: 'Mirrored' });
    const status = (await gw.call('GET', '/v1/backends/live/migration')).body;
    expect(status).toMatchObject({ mirror: true, mirrorFailures: 0 });
  });
});

/** Two customers moved or touched while both platforms are up; then one platform is stopped (connections refused). */
async function withOneDown(down: 'open2b' | 'scayle') {
  const platforms = await servePair('open2b', 'scayle');
  const gw = liveGateway(platforms, pair);
  const customers = await seedSource(gw, 'open2b', 3);
  expect((await gw.call('PATCH', `/customers/${customers[0]!.id}`, { firstName: 'Moved' })).status).toBe(200);
  // Read once while both are up, so the store knows the unmoved one is unmoved.
  expect((await gw.call('GET', `/customers/${customers[1]!.id}`)).status).toBe(200);
  await platforms.stop(down);
  return { platforms, gw, customers };
}

describe('live migration: a platform down', () => {
  it('target down: reads of unmoved customers go on from the source; writes and moves are 503', async () => {
    const { platforms, gw, customers } = await withOneDown('scayle');
    const [, unmoved, untouched] = customers;
    expect((await gw.call('GET', `/customers/${unmoved!.id}`)).body).toMatchObject({ migration: { state: 'source' } });
    expect((await gw.call('GET', `/customers/${untouched!.id}`)).status).toBe(200);
    const write = await gw.call('PATCH', `/customers/${unmoved!.id}`, { firstName: 'Nope' });
    expect(write.status).toBe(503);
    expect(write.body.code).toBe('upstream_unavailable');
    await platforms.close();
  });

  it('source down: moved customers are fully served; unmoved ones are 503, not 500', async () => {
    const { platforms, gw, customers } = await withOneDown('open2b');
    const [moved, unmoved] = customers;
    const read = await gw.call('GET', `/customers/${moved!.id}?expand=addresses`);
    expect(read.status, JSON.stringify(read.body)).toBe(200);
    expect(read.body).toMatchObject({ firstName: 'Moved', addresses: [expect.any(Object)] });
    expect((await gw.call('PATCH', `/customers/${moved!.id}`, { lastName: 'StillServed' })).status).toBe(200);
    expect((await gw.call('GET', `/customers/${moved!.id}/addresses`)).status).toBe(200);
    const down = await gw.call('GET', `/customers/${unmoved!.id}`);
    expect(down.status).toBe(503);
    expect(down.body.code).toBe('upstream_unavailable');
    await platforms.close();
  });
});

describe('live migration: cut-over (phase target) with the source stopped', () => {
  let platforms: Platforms;
  let customers: Seeded[];
  let cutOver: GatewayUnderTest;
  beforeAll(async () => {
    platforms = await servePair('sfcc', 'scayle');
    const dual = liveGateway(platforms, 'sfcc->scayle');
    // Without references of their own: the target holds them under sfcc:<id>, recoverable without the store.
    customers = await seedSource(dual, 'sfcc', 3, false);
    for (const c of customers.slice(0, 2))
      expect((await dual.call('PATCH', `/customers/${c.id}`, { title: 'Dr.' })).status).toBe(200);
    await platforms.stop('sfcc');
    // A new gateway with an empty store: everything it knows comes from the target.
    cutOver = liveGateway(platforms, 'sfcc->scayle', { LIVE_MIGRATION_PHASE: 'target' });
  });
  afterAll(async () => platforms.close());

  it('source ids still resolve, answered by the target alone', async () => {
    const [a, b, unmoved] = customers;
    for (const c of [a!, b!]) {
      const read = await cutOver.call('GET', `/customers/${c.id}?expand=addresses`);
      expect(read.status, JSON.stringify(read.body)).toBe(200);
      expect(read.body).toMatchObject({ id: c.id, title: 'Dr.', migration: { state: 'moved', sourceId: c.id } });
      expect(read.body).not.toHaveProperty('externalRef'); // the migration's own reference stays hidden
    }
    expect((await cutOver.call('PATCH', `/customers/${a!.id}`, { firstName: 'After' })).status).toBe(200);
    expect((await cutOver.call('GET', `/customers/${unmoved!.id}`)).status).toBe(404);
  });

  it('lists the target with source ids, and says what it can no longer do', async () => {
    const res = await cutOver.call('GET', '/customers?limit=50');
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.items.map((c: { id: string }) => c.id).sort()).toEqual(
      customers
        .slice(0, 2)
        .map((c) => c.id)
        .sort(),
    );
    const backends = await cutOver.call('GET', '/v1/backends');
    const live = backends.body.items.find((b: { name: string }) => b.name === 'live');
    expect(live.capabilities.shopperLogin).toBe(false); // SCAYLE's Admin API cannot verify passwords
    const login = await cutOver.call('POST', '/auth/login', { email: customers[0]!.email, password: PASSWORD });
    expect(login.status).toBe(501);
    const status = await cutOver.call('GET', '/v1/backends/live/migration');
    expect(status.body).toMatchObject({ phase: 'target' });
    expect(status.body).not.toHaveProperty('remaining');
  });
});
