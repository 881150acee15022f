import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GatewayUnderTest } from '../conformance/harness.js';
import { liveGateway, onTarget, type Platforms, type Seeded, seedSource, servePair } from './support.js';

/**
 * A moved customer's reference is the link a lost store is rebuilt from (src/live/locate.ts): the
 * target copy carries the source's `externalRef`, or `<source>:<id>` when it has none. Changing or
 * clearing it through `live` must keep that link, or the customer would read as not moved (its
 * stale source copy) and every write would try to move it again. Problems name the ids the caller
 * knows, never the target platform's.
 */
describe("live open2b -> scayle: a moved customer's link to the source, and the ids it is known by", () => {
  let platforms: Platforms;
  let gw: GatewayUnderTest;
  let customers: Seeded[];
  beforeAll(async () => {
    platforms = await servePair('open2b', 'scayle');
    gw = liveGateway(platforms, 'open2b->scayle');
    customers = await seedSource(gw, 'open2b', 4);
  });
  afterAll(async () => platforms.close());

  const afterLostStore = async (id: string) => {
    const fresh = liveGateway(platforms, 'open2b->scayle');
    const read = await fresh.call('GET', `/customers/${id}`);
    expect(read.status, JSON.stringify(read.body)).toBe(200);
    const write = await fresh.call('PATCH', `/customers/${id}`, { title: 'Dr.' });
    expect(write.status, JSON.stringify(write.body)).toBe(200);
    return { read: read.body, write: write.body };
  };

  it('a new externalRef is written to the source too; a lost store still finds the moved customer', async () => {
    const c = customers[0]!;
    const ref = `NEW-${c.externalRef}`.slice(0, 32); // Open2b keeps codes of up to 32 characters
    const moved = await gw.call('PATCH', `/customers/${c.id}`, { firstName: 'Moved' });
    expect(moved.body.migration).toMatchObject({ state: 'moved' });
    const changed = await gw.call('PATCH', `/customers/${c.id}`, { externalRef: ref });
    expect(changed.status, JSON.stringify(changed.body)).toBe(200);
    expect(changed.body.externalRef).toBe(ref);
    expect((await onTarget(platforms, 'scayle', c.email)).record.referenceKey).toBe(ref);
    expect((await platforms.backdoor('open2b').readCustomer(Number(c.id)))!.code).toBe(ref);

    const { read, write } = await afterLostStore(c.id);
    expect(read).toMatchObject({ id: c.id, firstName: 'Moved', externalRef: ref, migration: { state: 'moved' } });
    expect(write).toMatchObject({ title: 'Dr.', migration: { state: 'moved' } });
    expect((await onTarget(platforms, 'scayle', c.email)).count).toBe(1);
  });

  it('a cleared externalRef leaves the target the made-up link, which no answer shows', async () => {
    const c = customers[1]!;
    const moved = await gw.call('PATCH', `/customers/${c.id}`, { firstName: 'Moved' });
    expect(moved.body.migration).toMatchObject({ state: 'moved' });
    const cleared = await gw.call('PATCH', `/customers/${c.id}`, { externalRef: null });
    expect(cleared.status, JSON.stringify(cleared.body)).toBe(200);
    expect(cleared.body.externalRef).toBeUndefined();
    expect((await onTarget(platforms, 'scayle', c.email)).record.referenceKey).toBe(`open2b:${c.id}`);
    expect((await platforms.backdoor('open2b').readCustomer(Number(c.id)))!.code).toBeFalsy();

    const { read } = await afterLostStore(c.id);
    expect(read).toMatchObject({ id: c.id, firstName: 'Moved', migration: { state: 'moved' } });
    expect(read.externalRef).toBeUndefined();
    expect((await onTarget(platforms, 'scayle', c.email)).count).toBe(1);
  });

  it('a new externalRef the target refuses leaves the source as it was', async () => {
    const c = customers[3]!;
    expect((await gw.call('PATCH', `/customers/${c.id}`, { firstName: 'Moved' })).body.migration.state).toBe('moved');
    // Born on the target (SCAYLE) with a reference of its own, unknown to the source.
    const taken = `TAKEN-${c.externalRef}`.slice(0, 32);
    const born = await gw.call('POST', '/customers', {
      email: `born-${c.email}`,
      lastName: 'Born',
      externalRef: taken,
    });
    expect(born.status, JSON.stringify(born.body)).toBe(201);

    const refused = await gw.call('PATCH', `/customers/${c.id}`, { externalRef: taken });
    expect(refused.status, JSON.stringify(refused.body)).toBe(409);
    expect((await platforms.backdoor('open2b').readCustomer(Number(c.id)))!.code).toBe(c.externalRef);
    const { read } = await afterLostStore(c.id);
    expect(read).toMatchObject({ externalRef: c.externalRef, migration: { state: 'moved' } });
  });

  it('a new externalRef or email that another source customer holds is a 409: that customer is not merged into this one', async () => {
    const [other] = await seedSource(gw, 'open2b', 1);
    const born = await gw.call('POST', '/customers', {
      email: `born-${Date.now()}@example.com`,
      firstName: 'Re',
      lastName: 'Born',
    });
    expect(born.status, JSON.stringify(born.body)).toBe(201);
    for (const [field, value] of [
      ['externalRef', other!.externalRef],
      ['email', other!.email],
    ] as const) {
      const taken = await gw.call('PATCH', `/customers/${born.body.id}`, { [field]: value });
      expect(taken.status, JSON.stringify(taken.body)).toBe(409);
      expect(taken.body.errors).toEqual([expect.objectContaining({ path: field })]);
    }
    // The other customer is still itself, by id and by reference.
    expect((await gw.call('GET', `/customers/${other!.id}`)).body).toMatchObject({ email: other!.email });
    expect((await gw.call('GET', `/customers/ref:${other!.externalRef}`)).body).toMatchObject({ id: other!.id });
    // Its own reference and email (its source copy holds them) are no conflict.
    const own = await gw.call('PATCH', `/customers/${other!.id}`, {
      externalRef: other!.externalRef,
      email: other!.email,
      firstName: 'Self',
    });
    expect(own.status, JSON.stringify(own.body)).toBe(200);
  });

  it("a moved customer deleted on the target behind the gateway's back: a 404 naming the id asked for", async () => {
    const c = customers[2]!;
    const moved = await gw.call('PATCH', `/customers/${c.id}`, { firstName: 'Moved' });
    const targetId = moved.body.migration.targetId as string;
    expect((await gw.call('DELETE', `/v1/backends/scayle/customers/${targetId}`)).status).toBe(204);
    const read = await gw.call('GET', `/customers/${c.id}`);
    expect([read.status, read.body.detail]).toEqual([404, `customer ${c.id} does not exist`]);
  });
});
