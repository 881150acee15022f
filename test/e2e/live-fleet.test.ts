import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { onTarget, PASSWORD, type Platforms, servePair } from '../live/support.js';
import { redisForTests, removeKeys, uniquePrefix } from '../store/redis-server.js';
import { inParallel, type RunningGateway, runScript, startGateway } from './support.js';

/**
 * Issue 22 point 5: batch and live together. Two `npm start` processes with
 * LIVE_MIGRATION=open2b->scayle on one Redis, and `npm run migrate -- --from open2b --to scayle`
 * on the same Redis, all at once under a shopper workload (edits on both gateways, sign-ins),
 * against emulators served over HTTP. Then SCAYLE is counted on its backdoor: every customer
 * exactly once, complete, with every edit.
 */
const CUSTOMERS = 80;
const run = Date.now().toString(36).slice(-5);
const email = (i: number) => `fleet-${run}-${i}@example.com`;
/** Every third customer has a reference of its own, the others are moved under open2b:<id>. */
const ownRef = (i: number) => (i % 3 === 0 ? `fleet-${run}-${i}` : undefined);
const signsIn = (i: number) => i % 10 === 0;
const editedTwice = (i: number) => i % 7 === 0;

describe('live migration fleet: two gateways and a batch run on one Redis', () => {
  let redis: Awaited<ReturnType<typeof redisForTests>>;
  let platforms: Platforms;
  let ids: string[] = [];
  const gateways: RunningGateway[] = [];
  const prefix = uniquePrefix('live-fleet');

  beforeAll(async () => {
    redis = await redisForTests();
    if ('skip' in redis) return console.warn(`skipping the live-migration fleet test: ${redis.skip}`);
    platforms = await servePair('open2b', 'scayle');
    const seeded = await platforms.backdoor('open2b').seed(
      Array.from({ length: CUSTOMERS }, (_, i) => ({
        ...(ownRef(i) ? { code: ownRef(i) } : {}),
        ...(signsIn(i) ? { password: PASSWORD } : { canLogin: false }),
        billingAddress: {
          firstName: 'Erika',
          lastName: `Flt${i}`,
          email: email(i),
          street1: `Fleetweg ${i}`,
          city: 'Berlin',
          postalCode: '10115',
          country: 'DE',
        },
      })),
    );
    ids = seeded.map((c: { id: number }) => String(c.id));
  }, 60_000);
  afterAll(async () => {
    await Promise.all(gateways.map((g) => g.stop()));
    if (redis && !('skip' in redis)) {
      await removeKeys(redis.url, prefix);
      await redis.stop();
    }
    await platforms?.close();
  });

  it('creates no customer twice, loses no edit and leaves none incomplete', async (ctx) => {
    if ('skip' in redis) return ctx.skip();
    const shared = {
      ...platforms.env,
      STORE: 'redis',
      REDIS_URL: redis.url,
      STORE_PREFIX: prefix,
      LOG_LEVEL: 'warn',
      // The emulators have no budget; the platforms' published ones would only slow the test down.
      UPSTREAM_BUDGET_OPEN2B: 'off',
      UPSTREAM_BUDGET_SCAYLE: 'off',
    };
    const env = { ...shared, BACKENDS: 'open2b', LIVE_MIGRATION: 'open2b->scayle', DEFAULT_BACKEND: 'live' };
    gateways.push(...(await Promise.all([startGateway(env), startGateway(env)])));
    const call = async (i: number, method: string, path: string, body: unknown) => {
      const response = await fetch(`${gateways[i % 2]!.origin}${path}`, {
        method,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      return { status: response.status, text: await response.text() };
    };

    const batch = runScript(
      'migrate',
      ['--from', 'open2b', '--to', 'scayle', '--concurrency', '4', '--rate', 'off'],
      shared,
    );
    // The shoppers start once the batch is under way, from the other end of the list: they meet in the middle.
    const scayle = platforms.backdoor('scayle');
    for (let i = 0; i < 600 && scayle.readAll().length < 8; i++) await new Promise((r) => setTimeout(r, 50));
    const failures: string[] = [];
    await inParallel(CUSTOMERS, 8, async (n) => {
      const i = CUSTOMERS - 1 - n;
      const id = ids[i]!;
      const expect = (what: string, res: { status: number; text: string }, status: number) => {
        if (res.status !== status) failures.push(`${what} ${id}: ${res.status} ${res.text.slice(0, 300)}`);
      };
      if (signsIn(i))
        expect('login', await call(i, 'POST', '/v1/auth/login', { email: email(i), password: PASSWORD }), 200);
      expect('edit', await call(i, 'PATCH', `/v1/customers/${id}`, { firstName: `Edit${i}` }), 200);
      // The second edit goes through the other gateway.
      if (editedTwice(i)) expect('edit', await call(i + 1, 'PATCH', `/v1/customers/${id}`, { title: `T${i}` }), 200);
    });
    const migrated = await batch;
    expect(failures).toEqual([]);
    expect(migrated.code, `${migrated.stdout}\n${migrated.stderr}`).toBe(0);
    // Both kinds of mover moved customers: the batch created some, and skipped those moved live before it came by.
    const [, created, skipped] = /(\d+) created, (\d+) skipped, 0 failed/.exec(migrated.stdout) ?? [];
    expect(Number(created)).toBeGreaterThan(0);
    expect(Number(created) + Number(skipped)).toBe(CUSTOMERS);
    console.log(`batch: ${created} created, ${skipped} skipped (moved live first)`);

    const held = scayle.readAll();
    const duplicates: string[] = [];
    const lost: string[] = [];
    const incomplete: string[] = [];
    for (let i = 0; i < CUSTOMERS; i++) {
      const copies = held.filter((c: { email: string }) => c.email === email(i));
      if (copies.length !== 1) duplicates.push(`${email(i)} × ${copies.length}`);
      const c = copies[0];
      if (!c) continue;
      if (c.firstName !== `Edit${i}` || (editedTwice(i) && c.title !== `T${i}`))
        lost.push(`${email(i)}: ${c.firstName}`);
      const reference = ownRef(i) ?? `open2b:${ids[i]}`;
      if (c.addresses.length !== 1 || c.referenceKey !== reference || c.lastName !== `Flt${i}`)
        incomplete.push(`${email(i)}: ${c.addresses.length} addresses, ${c.referenceKey}`);
      if (signsIn(i) && !(await onTarget(platforms, 'scayle', email(i))).password)
        incomplete.push(`${email(i)}: no password`);
    }
    expect({ duplicates, lost, incomplete }).toEqual({ duplicates: [], lost: [], incomplete: [] });
    expect(held).toHaveLength(CUSTOMERS);

    const status = await fetch(`${gateways[0]!.origin}/v1/backends/live/migration`).then((r) => r.json());
    // Each customer was moved once, by whichever mover came first.
    expect(status).toMatchObject({ moved: CUSTOMERS, passwordsCarried: CUSTOMERS / 10, remaining: 0 });
  }, 120_000);
});
