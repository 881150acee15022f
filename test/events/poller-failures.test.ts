import { afterAll, describe, expect, it } from 'vitest';
import { API_PREFIX } from '../../emulators/scayle/app.js';
import { SCAYLE_EMULATOR_TOKEN } from '../../emulators/scayle/index.js';
import { EMBEDDED_ORIGIN } from '../../src/deps.js';
import { eventsGateway, recordingSink } from './support.js';

/**
 * Issue 23 point 3, when one customer cannot be compared: a record whose addresses SCAYLE answers
 * with a body that is not JSON. The poll goes on without it (later changes are still found, the
 * watermark moves) and the next polls retry it by id until it can be read.
 */
let broken: string | undefined;
/** Every customer's addresses answered 500: the platform failing on each customer it is asked for. */
let addressesDown = false;
const sink = recordingSink();
const gw = eventsGateway(
  { BACKENDS: 'scayle', EVENTS_POLL_SECONDS: '1', EVENTS_LEASE_MS: '500' },
  [sink],
  undefined,
  (_backend, fetch) => async (input, init) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    if (broken !== undefined && url.pathname.endsWith(`/customers/${broken}/addresses`))
      return new Response('<html>maintenance</html>', { status: 200, headers: { 'content-type': 'application/json' } });
    if (addressesDown && /\/customers\/[^/]+\/addresses$/.test(url.pathname))
      return Response.json({ errors: [{ errorKey: 'INTERNAL', message: 'down' }] }, { status: 500 });
    return fetch(input, init);
  },
);
gw.events.dispatcher.start();
afterAll(() => gw.events.stop());

async function outside(body: unknown) {
  const scayle = gw.deps.emulators.get('scayle')!;
  const res = await scayle.fetch(`${EMBEDDED_ORIGIN}${API_PREFIX}/shops/demo/countries/DE/customers`, {
    method: 'POST',
    headers: { 'x-access-token': SCAYLE_EMULATOR_TOKEN, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  expect(res.status, await res.clone().text()).toBe(201);
  return String(((await res.json()) as { id: number }).id);
}

async function poll() {
  await new Promise((resolve) => setTimeout(resolve, 300));
  const before = sink.received.length;
  await gw.events.poller!.pollOnce(true);
  await sink.until((await gw.events.outbox.read(0, 10_000)).length);
  return sink.received.slice(before).map((e) => [e.type, e.subject]);
}

describe('the event poller and a customer it cannot compare', () => {
  it('goes on past it, finds later changes, and announces it once it can be read', async () => {
    expect(await poll()).toEqual([]); // the first poll only sets the watermark
    const tag = Date.now().toString(36);
    broken = await outside({ email: `broken-${tag}@example.com`, lastName: 'Broken' });
    const fine = await outside({ email: `fine-${tag}@example.com`, lastName: 'Fine' });
    expect(await poll()).toEqual([['customer.created', fine]]);
    // Still broken: the watermark moved past it, so a later change is found rather than held back.
    const later = await outside({ email: `later-${tag}@example.com`, lastName: 'Later' });
    expect(await poll()).toEqual([['customer.created', later]]);
    // Ten minutes on: the listing (its minute of overlap) no longer shows it; only the retry by id can.
    const watermark = 'events:watermark:scayle';
    const at = Date.parse((await gw.deps.store.get(watermark))!);
    await gw.deps.store.set(watermark, new Date(at + 600_000).toISOString(), 60_000);
    const failing = broken;
    broken = undefined;
    // Still new: compared with the `since` of the poll that first failed on it, not this one's.
    expect(await poll()).toEqual([['customer.created', failing]]);
    expect(await poll()).toEqual([]); // retried until read, then not again
  });

  it('after the platform failed on every changed customer, the next poll it answers announces them all', async () => {
    // The test before moved the watermark ten minutes on: back to now, so this poll lists what follows.
    await gw.deps.store.set('events:watermark:scayle', new Date().toISOString(), 60_000);
    await poll(); // whatever earlier tests left
    addressesDown = true;
    const tag = Date.now().toString(36);
    const created: string[] = [];
    // More than a poll used to retry by id (100): they waited for a second poll before.
    for (let i = 0; i < 130; i++)
      created.push(await outside({ email: `outage-${tag}-${i}@example.com`, lastName: `Outage${i}` }));
    expect(await poll()).toEqual([]);
    /** The retry set's members that are this test's customers. */
    const waiting = async () =>
      (await gw.deps.store.setMembers('events:poll-retry:scayle')).filter((m) => created.includes(m.split(' ')[0]!));
    expect(await waiting()).toHaveLength(130);
    addressesDown = false;
    // Ten minutes on: only the retry by id can find them (the listing's overlap no longer shows them).
    const watermark = 'events:watermark:scayle';
    const at = Date.parse((await gw.deps.store.get(watermark))!);
    await gw.deps.store.set(watermark, new Date(at + 600_000).toISOString(), 60_000);
    const announced = await poll();
    expect(
      announced
        .filter(([type]) => type === 'customer.created')
        .map(([, id]) => id)
        .sort(),
    ).toEqual([...created].sort());
    expect(await waiting()).toEqual([]);
  });
});
