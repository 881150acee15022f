import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GatewayError } from '../../adapters/errors.js';
import { backendOfSource } from '../../src/events/model.js';
import { eventsGateway, recordingSink } from '../events/support.js';
import { type Platforms, servePair, storable } from './support.js';

/**
 * One person, three names during a live migration (open2b → scayle): `live`'s id, the source's
 * and, once moved, the target's. The gateway keeps events under each name (writes through each
 * backend, EVENTS_PAYLOAD=full); an erasure through any one name clears them under all three and
 * tells consumers of each name.
 */
describe('erasure across the names of a live migration', () => {
  let platforms: Platforms;
  let gw: ReturnType<typeof eventsGateway>;
  beforeAll(async () => {
    platforms = await servePair('open2b', 'scayle');
    gw = eventsGateway(
      { ...platforms.env, BACKENDS: 'open2b', LIVE_MIGRATION: 'open2b->scayle', EVENTS_PAYLOAD: 'full' },
      [recordingSink()],
    );
  });
  afterAll(async () => {
    await gw.events.stop();
    await platforms.close();
  });

  /** A customer written under all three names: registered on the source, moved by a write through live, then written on the target. */
  async function writtenUnderEveryName() {
    const { externalRef: _ref, ...input } = storable();
    const created = await gw.call('POST', '/v1/backends/open2b/customers', input);
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const id = created.body.id as string;
    const moved = await gw.call('PATCH', `/v1/backends/live/customers/${id}`, { firstName: 'Moved' });
    expect(moved.status, JSON.stringify(moved.body)).toBe(200);
    const targetId = moved.body.migration.targetId as string;
    const direct = await patchOnTarget(targetId);
    expect(direct.status, JSON.stringify(direct.body)).toBe(200);
    const names = { live: id, open2b: id, scayle: targetId };
    return { email: input.email, names };
  }

  /** A keyed write on the target: the gateway keeps its answer (the whole customer) under the key. */
  const patchOnTarget = (targetId: string) =>
    gw.call(
      'PATCH',
      `/v1/backends/scayle/customers/${targetId}`,
      { firstName: 'Direct' },
      {
        'idempotency-key': `"direct-${targetId}"`,
      },
    );

  /** Names under which a held event still carries the email. */
  async function namesHolding(email: string, names: Record<string, string>) {
    const holding: string[] = [];
    for (const [backend, id] of Object.entries(names))
      if ((await gw.events.held.about(backend, id)).some((e) => JSON.stringify(e.data).includes(email)))
        holding.push(backend);
    return holding;
  }

  async function erasedEventsAbout(names: Record<string, string>) {
    const recorded = await gw.events.outbox.read(0, 10_000);
    return recorded
      .map((entry) => entry.event)
      .filter((e) => e.type === 'customer.erased' && names[backendOfSource(e.source)] === e.subject)
      .map((e) => backendOfSource(e.source))
      .sort();
  }

  it.each([
    ['the target backend', 'scayle'],
    ['live', 'live'],
    ['the source backend', 'open2b'],
  ])('through %s: no held event under any name keeps the data; customer.erased under each', async (_how, through) => {
    const { email, names } = await writtenUnderEveryName();
    expect(await namesHolding(email, names)).toEqual(['live', 'open2b', 'scayle']);

    const erased = await gw.call(
      'POST',
      `/v1/backends/${through}/customers/${names[through as keyof typeof names]}/erase`,
      {},
    );
    expect(erased.status, JSON.stringify(erased.body)).toBe(200);
    expect(erased.body.steps).toContainEqual(expect.objectContaining({ where: 'change events', outcome: 'erased' }));

    expect(await namesHolding(email, names)).toEqual([]);
    expect(await erasedEventsAbout(names)).toEqual(['live', 'open2b', 'scayle']);
    expect((await gw.call('GET', `/v1/backends/live/customers/${names.live}`)).status).toBe(404);
    // The answer kept under the target's Idempotency-Key went too: the same request is not replayed.
    expect((await patchOnTarget(names.scayle)).headers.get('idempotent-replayed')).toBeNull();
  });

  it.each([
    ['the same name', 'scayle'],
    ['another name', 'live'],
  ])(
    'an erasure that failed half-way goes on with the other names, and sent again through %s still reaches every name',
    async (_how, retryThrough) => {
      const { email, names } = await writtenUnderEveryName();
      const steps = gw.deps.accounts.erasureSteps;
      const index = steps.findIndex((step) => step.where === 'change events');
      const original = steps[index]!;
      // The step fails under the target's and the source's names; `live`'s goes through.
      steps[index] = {
        ...original,
        erase: async (subject, call) => {
          if (subject.backend !== 'live')
            throw new GatewayError('upstream_unavailable', 'the store is away for a moment');
          return original.erase(subject, call);
        },
      };
      const first = await gw.call('POST', `/v1/backends/scayle/customers/${names.scayle}/erase`, {});
      steps[index] = original;
      expect(first.status, JSON.stringify(first.body)).toBe(503);
      expect(await namesHolding(email, names)).toEqual(['open2b', 'scayle']);
      // The platform erasure and the live-mapping step ran: the identity map no longer knows the names.
      expect(await gw.deps.live!.identities.sourceOf(names.scayle)).toBeUndefined();
      // Kept under every name, ids only: the retry may come through any of them.
      const kept = Object.entries(names).map(([backend, id]) => `erasure:names:${backend}:${id}`);
      for (const key of kept) {
        const value = (await gw.deps.store.get(key))!;
        expect(JSON.parse(value), key).toHaveLength(3);
        expect(value).not.toContain(email);
      }

      const id = names[retryThrough as keyof typeof names];
      const again = await gw.call('POST', `/v1/backends/${retryThrough}/customers/${id}/erase`, {});
      expect(again.status, JSON.stringify(again.body)).toBe(200);
      expect(await namesHolding(email, names)).toEqual([]);
      expect(await erasedEventsAbout(names)).toEqual(['live', 'live', 'open2b', 'open2b', 'scayle', 'scayle']);
      // Finished: the names it kept for a retry are gone too.
      for (const key of kept) expect(await gw.deps.store.get(key), key).toBeUndefined();
    },
  );

  it('a retry through live finishes what the first attempt left on the source: the copy there and the identity map', async () => {
    const { email, names } = await writtenUnderEveryName();
    // The live-mapping step cannot erase the source's copy: the first attempt, through the target, is left half-done.
    platforms.faults('open2b').inject({ path: 'commerce.customers.delete', status: 503 });
    const first = await gw.call('POST', `/v1/backends/scayle/customers/${names.scayle}/erase`, {});
    platforms.faults('open2b').clear();
    expect(first.status, JSON.stringify(first.body)).toBeGreaterThanOrEqual(500);
    expect(first.body.detail).toMatch(/not yet from: live migration: .*send the same request again/);
    expect((await gw.call('GET', `/v1/backends/open2b/customers/${names.open2b}`)).status).toBe(200);

    // Through `live` no customer is found to erase (its target is gone): the mapping step finishes the source.
    const again = await gw.call('POST', `/v1/backends/live/customers/${names.live}/erase`, {});
    expect(again.status, JSON.stringify(again.body)).toBe(200);
    // The source's customer (1) and the map's pair (1); the target was erased by the first attempt.
    expect(again.body.steps).toContainEqual(expect.objectContaining({ where: 'live migration', count: 2 }));
    expect((await gw.call('GET', `/v1/backends/open2b/customers/${names.open2b}`)).status).toBe(404);
    expect(await gw.deps.live!.identities.get(names.open2b)).toBeUndefined();
    expect(await namesHolding(email, names)).toEqual([]);
    for (const [backend, id] of Object.entries(names))
      expect(await gw.deps.store.get(`erasure:names:${backend}:${id}`), backend).toBeUndefined();
  });
});
