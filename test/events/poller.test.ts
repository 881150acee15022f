import { afterAll, describe, expect, it } from 'vitest';
import { API_PREFIX } from '../../emulators/scayle/app.js';
import { SCAYLE_EMULATOR_TOKEN } from '../../emulators/scayle/index.js';
import { EMBEDDED_ORIGIN } from '../../src/deps.js';
import { eventsGateway, recordingSink } from './support.js';

/**
 * Issue 23 point 3: changes made outside the gateway (another system calling SCAYLE's Admin API
 * directly) are found by polling by change time, and what the gateway wrote itself is not
 * announced a second time.
 */
const sink = recordingSink();
const gw = eventsGateway({ BACKENDS: 'scayle,scapi', EVENTS_POLL_SECONDS: '1', EVENTS_LEASE_MS: '500' }, [sink]);
// The dispatcher runs; the poll timer does not (each test polls when it has made its changes).
gw.events.dispatcher.start();
afterAll(() => gw.events.stop());
const poller = gw.events.poller!;

/** Another system writing to SCAYLE directly. */
async function outside(method: string, path: string, body: unknown) {
  const scayle = gw.deps.emulators.get('scayle')!;
  const res = await scayle.fetch(`${EMBEDDED_ORIGIN}${API_PREFIX}/shops/demo/countries/DE/customers${path}`, {
    method,
    headers: { 'x-access-token': SCAYLE_EMULATOR_TOKEN, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  expect(res.status, await res.clone().text()).toBeLessThan(300);
  return (await res.json()) as { id: number };
}
const address = { street: 'Elsewhere 1', zipCode: '20095', city: 'Hamburg', countryCode: 'DEU' };

/** Polls, then waits until every event recorded so far was delivered; answers the new ones. */
async function poll() {
  // Changes are looked at once they are a quarter of the interval old (see SETTLE_MS).
  await new Promise((resolve) => setTimeout(resolve, 300));
  const before = sink.received.length;
  await poller.pollOnce(true);
  const recorded = (await gw.events.outbox.read(0, 10_000)).length;
  await sink.until(recorded);
  return sink.received.slice(before).map((e) => [e.type, e.subject, e.data.origin, e.data.changed ?? null]);
}

describe('the event poller (SCAYLE: filters[minUpdatedAt])', () => {
  it('finds what others changed, and nothing the gateway wrote itself', async () => {
    expect(poller.polls('scayle')).toBe(true);
    expect(poller.polls('scapi')).toBe(false); // cannot list by change time (capability listByUpdatedSince)
    expect(await poll()).toEqual([]); // the first poll only sets the watermark
    const tag = Date.now().toString(36);
    const mine = await gw.call('POST', '/v1/backends/scayle/customers', {
      email: `mine-${tag}@example.com`,
      lastName: 'Gateway',
      addresses: [
        { lastName: 'Gateway', line1: 'Hauptstraße 5', city: 'Berlin', postalCode: '10115', countryCode: 'DE' },
      ],
    });
    expect(mine.status).toBe(201);
    const a = mine.body.id as string;
    const b = String((await outside('POST', '', { email: `theirs-${tag}@example.com`, lastName: 'Elsewhere' })).id);
    await outside('POST', `/${b}/addresses`, address);
    await outside('PATCH', `/${a}`, { firstName: 'Renamed' });
    // The gateway's own registration (and its address) were announced when they were written, not again here.
    // Customers come in the platform's list order; each customer's events in order (a stable sort keeps it).
    const bySubject = (events: unknown[][]) => events.sort((x, y) => String(x[1]).localeCompare(String(y[1])));
    expect(bySubject(await poll())).toEqual(
      bySubject([
        ['customer.created', b, 'poll', null],
        ['customer.address.created', b, 'poll', null],
        ['customer.updated', a, 'poll', ['firstName']],
      ]),
    );
    expect(await poll()).toEqual([]); // found once
    const second = await outside('POST', `/${b}/addresses`, { ...address, street: 'Elsewhere 2' });
    await outside('PATCH', `/${b}`, { lastName: 'Moved' });
    expect(await poll()).toEqual([
      ['customer.updated', b, 'poll', ['lastName']],
      ['customer.address.created', b, 'poll', null],
    ]);
    const last = sink.received.at(-1)!;
    expect(last.data.addressId).toBe(String(second.id));
    // A gateway write is announced by the gateway; the poll after it adds nothing.
    const count = sink.received.length;
    expect((await gw.call('PATCH', `/v1/backends/scayle/customers/${b}`, { lastName: 'Back' })).status).toBe(200);
    await sink.until(count + 1);
    expect(await poll()).toEqual([]);
    expect(sink.received.at(-1)).toMatchObject({
      type: 'customer.updated',
      data: { origin: 'gateway', changed: ['lastName'] },
    });
  });

  it('a gateway write landing while the poll compares a customer is announced once, by the gateway, never followed by older data', async () => {
    const c = String((await outside('POST', '', { email: `race-${Date.now()}@example.com`, lastName: 'Start' })).id);
    expect(await poll()).toEqual([['customer.created', c, 'poll', null]]);
    await outside('PATCH', `/${c}`, { lastName: 'Before' });
    // Settled, as the poll's settle time (a quarter of its interval) makes it: SCAYLE's change times
    // are whole seconds, and the gateway's write below gets a later one.
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    // The platform lists the customer (lastName Before); the gateway writes After before the poll compares it.
    const adapter = gw.deps.backends.get('scayle')!;
    const list = adapter.listCustomers!;
    let raced = false;
    adapter.listCustomers = async (query, ctx) => {
      const page = await list.call(adapter, query, ctx);
      if (!raced && page.items.some((item) => item.id === c)) {
        raced = true;
        expect((await gw.call('PATCH', `/v1/backends/scayle/customers/${c}`, { lastName: 'After' })).status).toBe(200);
      }
      return page;
    };
    try {
      const found = await poll();
      expect(raced).toBe(true);
      expect(found.filter((e) => e[1] === c)).toEqual([['customer.updated', c, 'gateway', ['lastName']]]);
      expect(await poll()).toEqual([]);
    } finally {
      adapter.listCustomers = list;
    }
  });

  it("a gateway write that makes an address the default is not announced again as the other address's change", async () => {
    const line = { lastName: 'Default', city: 'Berlin', postalCode: '10115', countryCode: 'DE' };
    const created = await gw.call('POST', '/v1/backends/scayle/customers', {
      email: `default-${Date.now()}@example.com`,
      lastName: 'Default',
      addresses: [{ ...line, line1: 'Erste Straße 1', isDefaultBilling: true, isDefaultShipping: true }],
    });
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    expect(await poll()).toEqual([]);
    await new Promise((resolve) => setTimeout(resolve, 1_100)); // SCAYLE's change times are whole seconds
    const second = await gw.call('POST', `/v1/backends/scayle/customers/${id}/addresses`, {
      ...line,
      line1: 'Zweite Straße 2',
      isDefaultBilling: true,
    });
    expect(second.status, JSON.stringify(second.body)).toBe(201);
    // SCAYLE took the billing default from the first address: the gateway's write did that.
    const first = created.body.addresses[0].id as string;
    const read = await gw.call('GET', `/v1/backends/scayle/customers/${id}/addresses/${first}`);
    expect(read.body.isDefaultBilling).toBe(false);
    expect(await poll()).toEqual([]);
  });

  it('a change made elsewhere is still found when the gateway writes other fields of the customer before the poll', async () => {
    const c = String((await outside('POST', '', { email: `before-${Date.now()}@example.com`, lastName: 'Start' })).id);
    const billing = await outside('POST', `/${c}/addresses`, address);
    expect((await poll()).map((e) => e[0])).toEqual(['customer.created', 'customer.address.created']);
    // Another system changes the last name and the address's city; then the gateway writes the first
    // name and the address's postal code, before any poll: the customer it reads back shows both.
    await outside('PATCH', `/${c}`, { lastName: 'BackOffice' });
    await outside('PATCH', `/${c}/addresses/${billing.id}`, { city: 'Bremen' });
    await new Promise((resolve) => setTimeout(resolve, 1_100)); // SCAYLE's change times are whole seconds
    const count = sink.received.length;
    expect((await gw.call('PATCH', `/v1/backends/scayle/customers/${c}`, { firstName: 'Gateway' })).status).toBe(200);
    const written = await gw.call('PATCH', `/v1/backends/scayle/customers/${c}/addresses/${billing.id}`, {
      postalCode: '28195',
    });
    expect(written.status, JSON.stringify(written.body)).toBe(200);
    await sink.until(count + 2);
    expect(sink.received.slice(count).map((e) => [e.type, e.data.origin, e.data.changed])).toEqual([
      ['customer.updated', 'gateway', ['firstName']],
      ['customer.address.updated', 'gateway', ['postalCode']],
    ]);
    // The poll announces what the other system changed, and only that.
    expect(await poll()).toEqual([
      ['customer.updated', c, 'poll', ['lastName']],
      ['customer.address.updated', c, 'poll', ['city']],
    ]);
    expect(await poll()).toEqual([]);
  });

  it('a password the gateway set is announced once (customer.password.changed), not again as hasPassword', async () => {
    const c = String((await outside('POST', '', { email: `pw-${Date.now()}@example.com`, lastName: 'NoPassword' })).id);
    expect(await poll()).toEqual([['customer.created', c, 'poll', null]]);
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    const set = await gw.call('PUT', `/v1/backends/scayle/customers/${c}/password`, { password: 'Str0ng!Passw0rd' });
    expect(set.status, JSON.stringify(set.body)).toBe(204);
    expect(await poll()).toEqual([]);
    expect(sink.received.filter((e) => e.subject === c).map((e) => e.type)).toEqual([
      'customer.created',
      'customer.password.changed',
    ]);
  });

  it('one poller per fleet: a holder that died keeps the others off only until its lease lapses', async () => {
    // Another instance took the lease and died (it never renews it).
    await gw.deps.store.set('events:poller', 'a-dead-instance', 500);
    const b = String((await outside('POST', '', { email: `late-${Date.now()}@example.com`, lastName: 'Late' })).id);
    expect(await poll()).toEqual([]);
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(await poll()).toEqual([['customer.created', b, 'poll', null]]);
  });
});
