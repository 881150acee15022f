import { afterAll, describe, expect, it } from 'vitest';
import { sha256Hex } from '../../src/digest.js';
import { fingerprintOf } from '../../src/idempotency/record.js';
import { eventsGateway, expectCloudEvent, recordingSink } from './support.js';
import { berlinAddress } from '../support/address.js';

/**
 * Issue 23 points 1 and 2, in process: every write through the gateway, on every backend and on
 * the admin and /v1/me routes, is recorded in the outbox before it is answered and delivered in
 * order, as CloudEvents; `ids` payloads carry no personal data, `full` ones the resource.
 */
const BACKENDS = ['memory', 'scayle', 'sfcc', 'open2b', 'scapi'];
const sink = recordingSink();
const gw = eventsGateway({ BACKENDS: BACKENDS.join(',') }, [sink]);
gw.events.start();
afterAll(() => gw.events.stop());

const address = berlinAddress();

describe.each(BACKENDS)('change events on %s', (backend) => {
  it('register, update, address create/update/delete, password, delete: each write its events, in order', async () => {
    const tag = `${backend}-${Date.now().toString(36)}`;
    const base = `/v1/backends/${backend}/customers`;
    const before = sink.received.length;
    const created = await gw.call('POST', base, {
      email: `ev-${tag}@example.com`,
      firstName: 'Erika',
      lastName: 'Muster',
      password: 'Str0ng!Passw0rd',
      addresses: [address],
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const id = created.body.id as string;
    const one = `${base}/${encodeURIComponent(id)}`;
    expect((await gw.call('PATCH', one, { firstName: 'Erike', phones: { primary: '+49 170 1234567' } })).status).toBe(
      200,
    );
    const caps = gw.deps.backends.get(backend)!.capabilities;
    const second = await gw.call('POST', `${one}/addresses`, {
      ...address,
      line1: 'Nebenstraße 9',
      isDefaultBilling: false,
      isDefaultShipping: false,
    });
    const addressId = (second.status === 201 ? second.body.id : created.body.addresses[0].id) as string;
    if (second.status !== 201) expect(second.status).toBe(409); // Open2b: two slots, billing taken… shipping free
    expect(
      (await gw.call('PATCH', `${one}/addresses/${encodeURIComponent(addressId)}`, { city: 'Potsdam' })).status,
    ).toBe(200);
    if (caps.addressDelete && second.status === 201)
      expect((await gw.call('DELETE', `${one}/addresses/${encodeURIComponent(addressId)}`)).status).toBe(204);
    const password = await gw.call('PUT', `${one}/password`, { password: 'An0ther!Passw0rd' });
    expect(password.status).toBe(204);
    if (caps.customerDelete) expect((await gw.call('DELETE', one)).status).toBe(204);

    const expected = [
      'customer.created',
      'customer.address.created',
      'customer.updated',
      ...(second.status === 201 ? ['customer.address.created'] : []),
      'customer.address.updated',
      ...(caps.addressDelete && second.status === 201 ? ['customer.address.deleted'] : []),
      'customer.password.changed',
      ...(caps.customerDelete ? ['customer.deleted'] : []),
    ];
    await sink.until(before + expected.length);
    const mine = sink.received.filter((e) => e.subject === id && e.source.endsWith(`/backends/${backend}`));
    expect(mine.map((e) => e.type)).toEqual(expected);
    for (const event of mine) {
      expectCloudEvent(event);
      expect(event.source).toBe(`/customer-gateway/backends/${backend}`);
      expect(event.data.customerId).toBe(id);
      expect(event.data.origin).toBe('gateway');
      // ids: no personal data, never a password.
      expect(JSON.stringify(event)).not.toMatch(/Erika|Erike|Muster|Hauptstraße|example\.com|Passw0rd/);
    }
    expect(mine.find((e) => e.type === 'customer.updated')!.data.changed).toEqual(['firstName', 'phones.primary']);
    expect(mine.find((e) => e.type === 'customer.address.updated')!.data).toMatchObject({
      addressId,
      changed: ['city'],
    });
  });
});

describe('a write the platform took in part', () => {
  it('SCAYLE: a PATCH that fails after its first call announces the fields it wrote, and the problem names them', async () => {
    const base = '/v1/backends/scayle/customers';
    const tag = Date.now().toString(36);
    const taken = `crm-${tag}`;
    const holder = await gw.call('POST', base, {
      email: `holder-${tag}@example.com`,
      lastName: 'Holder',
      externalRef: taken,
    });
    expect(holder.status, JSON.stringify(holder.body)).toBe(201);
    const other = await gw.call('POST', base, { email: `other-${tag}@example.com`, lastName: 'Other' });
    const id = other.body.id as string;
    const refused = await gw.call('PATCH', `${base}/${id}`, { lastName: 'Partial', externalRef: taken });
    expect(refused.status, JSON.stringify(refused.body)).toBe(409);
    expect(refused.body.created).toEqual({ customerId: id, updated: ['lastName'] });
    expect((await gw.call('GET', `${base}/${id}`)).body.lastName).toBe('Partial');
    const events = (await gw.events.outbox.read(0, 100_000)).filter((e) => e.event.subject === id);
    expect(events.map((e) => [e.event.type, e.event.data.origin, e.event.data.changed ?? null])).toEqual([
      ['customer.created', 'gateway', null],
      ['customer.updated', 'gateway', ['lastName']],
    ]);
  });
});

describe('change events on /v1/me, with EVENTS_PAYLOAD=full, and for retried writes', () => {
  const full = recordingSink();
  const fullGw = eventsGateway({ BACKENDS: 'memory', EVENTS_PAYLOAD: 'full' }, [full]);
  fullGw.events.start();
  afterAll(() => fullGw.events.stop());

  it("a shopper's own writes emit the same events; `full` carries the resource, never a password", async () => {
    const email = `me-${Date.now().toString(36)}@example.com`;
    const created = await fullGw.call('POST', '/v1/customers', {
      email,
      lastName: 'Selbst',
      password: 'Str0ng!Passw0rd',
    });
    const login = await fullGw.call('POST', '/v1/auth/login', { email, password: 'Str0ng!Passw0rd' });
    expect(login.status).toBe(200);
    const me = { authorization: `Bearer ${login.body.accessToken}` };
    expect((await fullGw.call('PATCH', '/v1/me', { firstName: 'Sabine' }, me)).status).toBe(200);
    const added = await fullGw.call('POST', '/v1/me/addresses', address, me);
    expect(added.status).toBe(201);
    const change = { currentPassword: 'Str0ng!Passw0rd', password: 'An0ther!Passw0rd' };
    expect((await fullGw.call('PUT', '/v1/me/password', change, me)).status).toBe(204);
    await full.until(4);
    const mine = full.received.filter((e) => e.subject === created.body.id);
    expect(mine.map((e) => e.type)).toEqual([
      'customer.created',
      'customer.updated',
      'customer.address.created',
      'customer.password.changed',
    ]);
    expect(mine[1]!.data).toMatchObject({ changed: ['firstName'], customer: { firstName: 'Sabine', email } });
    expect(mine[2]!.data.address).toMatchObject({ id: added.body.id, city: 'Berlin' });
    for (const event of mine) expectCloudEvent(event);
    expect(JSON.stringify(full.received)).not.toMatch(/Passw0rd|"(current)?password"|"hash/i);
  });

  it('a replayed write (same Idempotency-Key) emits nothing more; a recovered one keeps its event ids', async () => {
    const raw = crypto.randomUUID();
    const key = { 'idempotency-key': `"${raw}"` };
    const body = { email: `idem-${Date.now().toString(36)}@example.com`, lastName: 'Einmal' };
    const first = await fullGw.call('POST', '/v1/customers', body, key);
    const replay = await fullGw.call('POST', '/v1/customers', body, key);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    // As if the instance died after recording the events but before keeping the answer: the retry
    // runs again in recovery mode, finds the customer, and records the same event ids (a no-op).
    const record = {
      state: 'uncertain',
      fingerprint: fingerprintOf(fullGw.deps.config.cursorSecret, 'POST', '/v1/customers', JSON.stringify(body)),
      since: Date.now() - 1000,
    };
    await fullGw.deps.store.set(`idempotency:anonymous:${await sha256Hex(raw)}`, JSON.stringify(record), 60_000);
    const recovered = await fullGw.call('POST', '/v1/customers', body, key);
    expect(recovered.status).toBe(201);
    expect(recovered.body.id).toBe(first.body.id);
    expect(recovered.headers.get('idempotent-replayed')).toBeNull();
    const events = (await fullGw.events.outbox.read(0, 1000)).filter((e) => e.event.subject === first.body.id);
    expect(events.map((e) => e.event.type)).toEqual(['customer.created']);

    // The key's record lapses (kept 24 h, events 72 h) and the key is used again for another
    // request: a new write with events of its own, not taken for the first one's.
    const rawPatchKey = crypto.randomUUID();
    const patchKey = { 'idempotency-key': `"${rawPatchKey}"` };
    const path = `/v1/customers/${first.body.id}`;
    expect((await fullGw.call('PATCH', path, { firstName: 'One' }, patchKey)).status).toBe(200);
    await fullGw.deps.store.delete(`idempotency:anonymous:${await sha256Hex(rawPatchKey)}`);
    expect((await fullGw.call('PATCH', path, { lastName: 'Two' }, patchKey)).status).toBe(200);
    const updates = (await fullGw.events.outbox.read(0, 1000))
      .filter((e) => e.event.subject === first.body.id && e.event.type === 'customer.updated')
      .map((e) => e.event.data.changed);
    expect(updates).toEqual([['firstName'], ['lastName']]);
  });

  it('an empty PATCH of a customer or an address changes nothing and records no event', async () => {
    const created = await fullGw.call('POST', '/v1/customers', {
      email: `empty-${Date.now().toString(36)}@example.com`,
      lastName: 'Leer',
      addresses: [address],
    });
    expect(created.status).toBe(201);
    const path = `/v1/customers/${created.body.id}`;
    expect((await fullGw.call('PATCH', path, {})).status).toBe(200);
    const addressPath = `${path}/addresses/${encodeURIComponent(created.body.addresses[0].id)}`;
    expect((await fullGw.call('PATCH', addressPath, {})).status).toBe(200);
    const events = (await fullGw.events.outbox.read(0, 10_000)).filter((e) => e.event.subject === created.body.id);
    expect(events.map((e) => e.event.type)).toEqual(['customer.created', 'customer.address.created']);
  });
});
