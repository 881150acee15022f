import { beforeEach, describe, expect, it } from 'vitest';
import type { ScayleBackdoor } from '../../emulators/scayle/index.js';
import type { Emulator } from '../../emulators/shared/types.js';
import { buildGateway, type GatewayUnderTest, uniqueTag } from '../conformance/harness.js';
import { sha256Hex, stableJson } from '../../src/digest.js';
import { fingerprintOf } from '../../src/idempotency/record.js';

const KEY_A = `${'a'.repeat(16)}-caller-key-one`;
const KEY_B = `${'b'.repeat(16)}-caller-key-two`;
const customer = (tag = uniqueTag()) => ({
  email: `idem-${tag}@example.com`,
  firstName: 'Erika',
  lastName: 'Mustermann',
});

describe('Idempotency-Key (embedded SCAYLE, counted on its backdoor)', () => {
  let gw: GatewayUnderTest;
  let scayle: Emulator<ScayleBackdoor>;
  const withKey = (key: string, apiKey = KEY_A) => ({
    'idempotency-key': `"${key}"`,
    authorization: `Bearer ${apiKey}`,
  });
  const stored = (email: string) => scayle.backdoor.readAll().filter((c) => c.email === email);
  beforeEach(() => {
    gw = buildGateway('scayle', { BACKENDS: 'scayle', API_KEYS: `${KEY_A},${KEY_B}` });
    scayle = gw.deps.emulators.get('scayle') as Emulator<ScayleBackdoor>;
  });

  it('replays the first answer to a retry with the same key and body, without calling the platform again', async () => {
    const input = customer();
    const first = await gw.call('POST', '/customers', input, withKey('register-1'));
    expect(first.status).toBe(201);
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    scayle.faults.inject({ status: 500 }); // any platform call from here on would fail
    // Same object, other key order: still the same request.
    const retry = await gw.call(
      'POST',
      '/customers',
      { lastName: input.lastName, firstName: input.firstName, email: input.email },
      withKey('register-1'),
    );
    expect(retry.status).toBe(201);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    expect(retry.body).toEqual(first.body);
    expect(retry.headers.get('location')).toBe(first.headers.get('location'));
    expect(retry.headers.get('etag')).toBe(first.headers.get('etag'));
    expect(retry.headers.get('x-request-id')).toBeTruthy();
    expect(stored(input.email)).toHaveLength(1);
  });

  it('answers 422 for the same key with another body, and keeps the first answer', async () => {
    const input = customer();
    expect((await gw.call('POST', '/customers', input, withKey('register-2'))).status).toBe(201);
    const other = await gw.call('POST', '/customers', customer(), withKey('register-2'));
    expect(other.status).toBe(422);
    expect(other.body).toMatchObject({ code: 'idempotency_key_reused' });
    const elsewhere = await gw.call(
      'PATCH',
      `/customers/${stored(input.email)[0]!.id}`,
      { firstName: 'X' },
      withKey('register-2'),
    );
    expect(elsewhere.status).toBe(422);
    expect((await gw.call('POST', '/customers', input, withKey('register-2'))).headers.get('idempotent-replayed')).toBe(
      'true',
    );
  });

  it('answers 409 to a retry while the first request is still running', async () => {
    scayle.faults.inject({ method: 'POST', latencyMs: 2_000, times: 1 });
    const input = customer();
    const first = gw.call('POST', '/customers', input, withKey('register-3'));
    // The retry is sent once the first holds the key (its record is in the store), while the platform still works.
    const storeKey = `idempotency:key:${await sha256Hex(KEY_A, 12)}:${await sha256Hex('register-3')}`;
    while ((await gw.deps.store.get(storeKey)) === undefined) await new Promise((r) => setTimeout(r, 10));
    const refused = await gw.call('POST', '/customers', input, withKey('register-3'));
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ code: 'conflict' });
    expect(refused.headers.get('retry-after')).toBe('1');
    expect((await first).status).toBe(201);
    expect(stored(input.email)).toHaveLength(1);
  });

  it('keeps records per caller: another API key with the same key runs its own request', async () => {
    const first = customer();
    const second = customer();
    expect((await gw.call('POST', '/customers', first, withKey('shared-key', KEY_A))).status).toBe(201);
    const other = await gw.call('POST', '/customers', second, withKey('shared-key', KEY_B));
    expect(other.status).toBe(201);
    expect(other.headers.get('idempotent-replayed')).toBeNull();
    expect(stored(second.email)).toHaveLength(1);
  });

  it('does not replay a failure whose outcome is unknown: the retry runs again', async () => {
    const input = customer();
    scayle.faults.inject({ method: 'POST', status: 503, times: 1 });
    const failed = await gw.call('POST', '/customers', input, withKey('register-5'));
    expect(failed.status).toBe(503);
    const retry = await gw.call('POST', '/customers', input, withKey('register-5'));
    expect(retry.status).toBe(201);
    expect(retry.headers.get('idempotent-replayed')).toBeNull();
    expect(stored(input.email)).toHaveLength(1);
  });

  it('a refusal with Retry-After after part of the write was applied is not "nothing happened": the retry recovers it', async () => {
    const input = { ...customer(), password: 'Secret-pass-123' };
    // The customer is created; setting its password is refused with a wait longer than the gateway waits.
    scayle.faults.inject({ method: 'PUT', path: '/password', rateLimitSeconds: 30, times: 1 });
    const refused = await gw.call('POST', '/customers', input, withKey('register-partly'));
    expect(refused.status, JSON.stringify(refused.body)).toBe(429);
    expect(refused.body.created).toBeDefined();
    expect(stored(input.email)).toHaveLength(1);

    // As Retry-After invites: the same request again finishes the registration, it does not conflict with it.
    const retry = await gw.call('POST', '/customers', input, withKey('register-partly'));
    expect(retry.status, JSON.stringify(retry.body)).toBe(201);
    expect(retry.body.id).toBe(refused.body.created.customerId);
    expect(stored(input.email)).toHaveLength(1);
    expect(retry.body.hasPassword).toBe(true);
    const again = await gw.call('POST', '/customers', input, withKey('register-partly'));
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.status).toBe(201);
  });

  it('recovers the write of an instance that died mid-request: a retry after the deadline finds what it applied', async () => {
    const input = customer();
    // The dead instance: its registration reached the platform, its record stayed `running`.
    const applied = await gw.call('POST', '/customers', input, { authorization: `Bearer ${KEY_A}` });
    // Past REQUEST_TIMEOUT_MS (30 s) + WRITE_SETTLE_MS (30 s) + 5 s: no attempt of a live instance runs that long.
    const since = Date.now() - 70_000;
    const storeKey = `idempotency:key:${await sha256Hex(KEY_A, 12)}:${await sha256Hex('register-dead')}`;
    const fingerprint = fingerprintOf(
      gw.deps.config.cursorSecret,
      'POST',
      '/v1/backends/scayle/customers',
      JSON.stringify(input),
    );
    await gw.deps.store.set(
      storeKey,
      JSON.stringify({ state: 'running', fingerprint, token: 'dead-instance', since }),
      60_000,
    );
    const retry = await gw.call('POST', '/customers', input, withKey('register-dead'));
    expect(retry.status, JSON.stringify(retry.body)).toBe(201);
    expect(retry.body.id).toBe(applied.body.id);
    expect(stored(input.email)).toHaveLength(1);
  });

  it('recognises a record an earlier version wrote (unkeyed fingerprint) as the same request across an upgrade', async () => {
    const input = customer();
    const applied = await gw.call('POST', '/customers', input, { authorization: `Bearer ${KEY_A}` });
    const storeKey = `idempotency:key:${await sha256Hex(KEY_A, 12)}:${await sha256Hex('register-upgrade')}`;
    const fingerprint = await sha256Hex(`POST\n/v1/backends/scayle/customers\n${stableJson(input)}`);
    await gw.deps.store.set(storeKey, JSON.stringify({ state: 'uncertain', fingerprint, since: Date.now() }), 60_000);
    const retry = await gw.call('POST', '/customers', input, withKey('register-upgrade'));
    expect(retry.status, JSON.stringify(retry.body)).toBe(201);
    expect(retry.body.id).toBe(applied.body.id);
    expect(stored(input.email)).toHaveLength(1);
    // Another request under that key is still another request.
    const other = await gw.call('POST', '/customers', customer(), withKey('register-upgrade'));
    expect(other.status).toBe(422);
  });

  it('keeps no plain digest of the request: whoever reads the store cannot test a password guess offline', async () => {
    const input = { ...customer(), password: 'Gu3ss!MeNot' };
    const storeKeyOf = async (key: string) => `idempotency:key:${await sha256Hex(KEY_A, 12)}:${await sha256Hex(key)}`;
    expect((await gw.call('POST', '/customers', input, withKey('keyed-1'))).status).toBe(201);
    const record = JSON.parse((await gw.deps.store.get(await storeKeyOf('keyed-1')))!);
    expect(JSON.stringify(record)).not.toContain(input.password);
    // The stored answer names the customer; a plain digest of the request beside it would confirm a guess.
    const guess = await sha256Hex(`POST\n/v1/backends/scayle/customers\n${stableJson(input)}`);
    expect(record.fingerprint).not.toBe(guess);
    // Keyed by the deployment's secret: another secret, another fingerprint for the same request.
    const other = buildGateway('scayle', {
      BACKENDS: 'scayle',
      API_KEYS: KEY_A,
      CURSOR_SECRET: 'another-deployment-secret',
    });
    const again = { ...input, email: `x-${input.email}` };
    expect((await gw.call('POST', '/customers', again, withKey('keyed-2'))).status).toBe(201);
    expect((await other.call('POST', '/customers', again, withKey('keyed-2'))).status).toBe(201);
    const mine = JSON.parse((await gw.deps.store.get(await storeKeyOf('keyed-2')))!);
    const theirs = JSON.parse((await other.deps.store.get(await storeKeyOf('keyed-2')))!);
    expect(mine.fingerprint).not.toBe(theirs.fingerprint);
  });

  it('replays PATCH and DELETE answers too, and ignores the header on reads', async () => {
    const created = await gw.call('POST', '/customers', customer(), withKey('c-6'));
    const id = created.body.id as string;
    const patched = await gw.call('PATCH', `/customers/${id}`, { firstName: 'Once' }, withKey('p-6'));
    await gw.call('PATCH', `/customers/${id}`, { firstName: 'Twice' }, withKey('p-7'));
    const replayed = await gw.call('PATCH', `/customers/${id}`, { firstName: 'Once' }, withKey('p-6'));
    expect(replayed).toMatchObject({ status: 200, body: patched.body });
    expect(scayle.backdoor.readCustomer(Number(id))?.firstName).toBe('Twice');
    expect((await gw.call('DELETE', `/customers/${id}`, undefined, withKey('d-6'))).status).toBe(204);
    const again = await gw.call('DELETE', `/customers/${id}`, undefined, withKey('d-6'));
    expect(again.status).toBe(204);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect((await gw.call('GET', `/customers/${id}`, undefined, withKey('d-6'))).status).toBe(404);
  });

  it('refuses a malformed key with a 400 naming the header', async () => {
    const res = await gw.call('POST', '/customers', customer(), {
      ...withKey('x'),
      'idempotency-key': `"${'k'.repeat(300)}"`,
    });
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([expect.objectContaining({ path: 'header.idempotency-key' })]);
  });
});

describe('IDEMPOTENCY=required', () => {
  it('answers 400 for a write without the header, lets reads through, and says so in OpenAPI', async () => {
    const gw = buildGateway('memory', { BACKENDS: 'memory', IDEMPOTENCY: 'required' });
    const missing = await gw.call('POST', '/customers', customer());
    expect(missing.status).toBe(400);
    expect(missing.body.errors).toEqual([
      expect.objectContaining({ path: 'header.idempotency-key', message: expect.stringContaining('required') }),
    ]);
    expect((await gw.call('GET', '/customers')).status).toBe(200);
    expect((await gw.call('POST', '/customers', customer(), { 'idempotency-key': 'plain-token-1' })).status).toBe(201);
    const document = (await gw.call('GET', '/openapi.json')).body;
    const parameter = document.paths['/v1/customers'].post.parameters.find(
      (p: { name: string }) => p.name === 'Idempotency-Key',
    );
    expect(parameter).toMatchObject({ in: 'header', required: true });
    expect(
      document.paths['/v1/customers'].get.parameters?.some((p: { name: string }) => p.name === 'Idempotency-Key') ??
        false,
    ).toBe(false);
  });
});
