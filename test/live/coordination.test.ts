import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CustomerAdapter } from '../../adapters/types.js';
import { migrateCustomers } from '../../migrate/lib/index.js';
import { batchMoveClaim } from '../../src/live/index.js';
import { testContext } from '../adapters/support.js';
import { buildGateway, type GatewayUnderTest } from '../conformance/harness.js';
import { liveGateway, onTarget, type Platforms, seedSource, servePair } from './support.js';

/**
 * A customer deleted through `live` while a coordinated batch run (`npm run migrate` on the same
 * store) moves it: the delete waits for the move and deletes where the customer lives then, so the
 * batch cannot leave it on the target.
 */
describe('open2b -> scayle: live beside a coordinated batch run', () => {
  let platforms: Platforms;
  let gw: GatewayUnderTest;
  let target: CustomerAdapter;
  beforeAll(async () => {
    platforms = await servePair('open2b', 'scayle');
    gw = liveGateway(platforms, 'open2b->scayle');
    target = buildGateway('scayle', { ...platforms.env, BACKENDS: 'scayle' }).deps.backends.get('scayle')!;
  });
  afterAll(async () => platforms.close());

  it('a customer deleted through live while the batch creates it on the target is deleted there too', async () => {
    const [kept, deleted] = await seedSource(gw, 'open2b', 2);
    const source = gw.deps.backends.get('open2b')!;
    let pending: Promise<{ status: number; body: unknown }> | undefined;
    // The batch's target: while it creates the customer (holding the customer's move lease), the
    // shopper's delete arrives through live.
    const batchTarget: CustomerAdapter = {
      ...target,
      async createCustomer(input, ctx) {
        if (input.email === deleted!.email) {
          pending = gw.call('DELETE', `/customers/${deleted!.id}`);
          await new Promise((resolve) => setTimeout(resolve, 200));
        }
        return target.createCustomer(input, ctx);
      },
    };
    const { ctx } = testContext();
    const claim = batchMoveClaim(gw.deps.store, source, batchTarget, ctx);
    await migrateCustomers({ source, target: batchTarget, ctx, claim });
    const gone = await pending!;
    expect(gone.status, JSON.stringify(gone.body)).toBe(204);
    expect((await onTarget(platforms, 'scayle', deleted!.email)).count).toBe(0);
    expect((await onTarget(platforms, 'scayle', kept!.email)).count).toBe(1);
    expect((await gw.call('GET', `/customers/${deleted!.id}`)).status).toBe(404);
  });

  it('a customer live already moved is reported skipped, with the reference it carries on the target', async () => {
    const [moved] = await seedSource(gw, 'open2b', 1, false);
    expect((await gw.call('PATCH', `/customers/${moved!.id}`, { firstName: 'Moved' })).status).toBe(200);
    const source = gw.deps.backends.get('open2b')!;
    const { ctx } = testContext();
    const result = await migrateCustomers({
      source,
      target,
      ctx,
      claim: batchMoveClaim(gw.deps.store, source, target, ctx),
    });
    expect(result.customers.find((c) => c.sourceId === moved!.id)).toMatchObject({
      outcome: 'skipped',
      reason: 'moved by the live migration',
      externalRef: `open2b:${moved!.id}`,
    });
    // A dry run beside live says the same (it used to report the customer as one it would create).
    const dry = await migrateCustomers({
      source,
      target,
      ctx,
      dryRun: true,
      claim: batchMoveClaim(gw.deps.store, source, target, ctx, true),
    });
    expect(dry.customers.find((c) => c.sourceId === moved!.id)).toMatchObject({
      outcome: 'skipped',
      reason: 'moved by the live migration',
    });
  });
});

describe('open2b -> scayle: one customer, several names, one lock', () => {
  let platforms: Platforms;
  let gw: GatewayUnderTest;
  beforeAll(async () => {
    platforms = await servePair('open2b', 'scayle');
    gw = liveGateway(platforms, 'open2b->scayle');
  });
  afterAll(async () => platforms.close());

  it('writes naming a moved customer by its id, s:<id> and t:<targetId> run one at a time', async () => {
    const [shopper] = await seedSource(gw, 'open2b', 1);
    const moved = await gw.call('PATCH', `/customers/${shopper!.id}`, { firstName: 'Moved' });
    expect(moved.status, JSON.stringify(moved.body)).toBe(200);
    const alias = `t:${moved.body.migration.targetId}`;
    // Every write of live's, counted while it runs: two at once would be two locks for one customer.
    const live = gw.deps.backends.get('live')!;
    let running = 0;
    let most = 0;
    gw.deps.backends.set('live', {
      ...live,
      async updateCustomer(...args) {
        most = Math.max(most, ++running);
        await new Promise((resolve) => setTimeout(resolve, 50));
        try {
          return await live.updateCustomer(...args);
        } finally {
          running--;
        }
      },
    });
    try {
      const names = [shopper!.id, `s:${shopper!.id}`, alias];
      const answers = await Promise.all(
        names.map((name, i) => gw.call('PATCH', `/customers/${encodeURIComponent(name)}`, { lastName: `Alias${i}` })),
      );
      for (const answer of answers) expect(answer.status, JSON.stringify(answer.body)).toBe(200);
      expect(most).toBe(1);
    } finally {
      gw.deps.backends.set('live', live);
    }
  });
});
