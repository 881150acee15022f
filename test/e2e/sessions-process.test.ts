import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSfccEmulator } from '../../emulators/sfcc/index.js';
import { serveOnLoopback } from '../../emulators/shared/runtime.js';
import { dumpKeys, redisForTests, removeKeys, uniquePrefix } from '../store/redis-server.js';
import { type RunningGateway, startGateway } from './support.js';

const STOREFRONT = 'storefront-key-e2e-0123456789';
const SIGNING = 'e2e-signing-secret-0123456789abcdefghij';
const ADMIN = 'admin-key-e2e-0123456789';

describe('npm start + the SFCC emulator over HTTP: a shopper signs in and edits their address book', () => {
  const emulator = createSfccEmulator();
  let upstream: Awaited<ReturnType<typeof serveOnLoopback>>;
  let gateway: RunningGateway;

  beforeAll(async () => {
    upstream = await serveOnLoopback(emulator.app);
    gateway = await startGateway({
      BACKENDS: 'sfcc',
      ...emulator.connectionEnv(upstream.origin),
      API_KEYS: `admin:${ADMIN},storefront:${STOREFRONT}`,
      SESSION_SIGNING_KEYS: `e2e:${SIGNING}`,
    });
  }, 90_000);
  afterAll(async () => {
    await gateway?.stop();
    await upstream?.close();
  });

  const call = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
    const response = await fetch(`${gateway.origin}${path}`, {
      method,
      headers: {
        'x-api-key': STOREFRONT,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...headers,
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : undefined };
  };

  it('login → /v1/me → add and edit an address, written to SFCC; logout ends the session', async () => {
    const login = await call('POST', '/v1/auth/login', { email: 'john.smith@example.com', password: 'Demo!Passw0rd' });
    expect(login.status, JSON.stringify(login.body)).toBe(200);
    const auth = { authorization: `Bearer ${login.body.accessToken}` };
    const me = await call('GET', '/v1/me', undefined, auth);
    expect(me.status).toBe(200);
    expect(me.body.email).toBe('john.smith@example.com');

    const added = await call(
      'POST',
      '/v1/me/addresses',
      {
        id: 'e2e-office',
        lastName: 'Smith',
        line1: '5 Market St',
        city: 'Boston',
        postalCode: '02110',
        countryCode: 'US',
      },
      auth,
    );
    expect(added.status, JSON.stringify(added.body)).toBe(201);
    const edited = await call(
      'PATCH',
      '/v1/me/addresses/e2e-office',
      { city: 'Cambridge', postalCode: '02139' },
      { ...auth, 'if-match': added.headers.get('etag')! },
    );
    expect(edited.status, JSON.stringify(edited.body)).toBe(200);
    const stored = emulator.backdoor
      .readAddresses(login.body.customerId)
      .find((a: { address_id: string }) => a.address_id === 'e2e-office');
    expect(stored).toMatchObject({ city: 'Cambridge', postal_code: '02139' });

    expect((await call('GET', '/v1/customers', undefined, auth)).status).toBe(403);
    expect((await call('POST', '/v1/auth/logout', { refreshToken: login.body.refreshToken })).status).toBe(204);
    expect((await call('GET', '/v1/me', undefined, auth)).status).toBe(401);
    expect([...gateway.stdout, ...gateway.stderr].join('')).not.toContain(login.body.accessToken);
    expect([...gateway.stdout, ...gateway.stderr].join('')).not.toContain('Demo!Passw0rd');
  });

  it('a customer deactivated on the platform (not through this gateway) cannot refresh; reactivated, signs in again', async () => {
    // Another client of the same SFCC instance (a second gateway, with its own session store)
    // changes the customer: this gateway's sessions learn it from the platform at their refresh.
    const elsewhere = await startGateway({
      BACKENDS: 'sfcc',
      ...emulator.connectionEnv(upstream.origin),
      API_KEYS: `admin:${ADMIN}`,
    });
    const admin = { 'x-api-key': ADMIN };
    const adminCall = (method: string, path: string, body?: unknown) =>
      fetch(`${elsewhere.origin}${path}`, {
        method,
        headers: { ...admin, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    try {
      const email = `refresh-${Date.now()}@example.com`;
      const created = await adminCall('POST', '/v1/customers', {
        email,
        lastName: 'Refresh',
        password: 'Str0ng!Passw0rd',
      });
      expect(created.status).toBe(201);
      const { id } = await created.json();
      const login = async () => (await call('POST', '/v1/auth/login', { email, password: 'Str0ng!Passw0rd' })).body;
      const session = await login();
      const refreshed = await call('POST', '/v1/auth/refresh', { refreshToken: session.refreshToken });
      expect(refreshed.status, JSON.stringify(refreshed.body)).toBe(200);

      expect((await adminCall('PATCH', `/v1/customers/${id}`, { active: false })).status).toBe(200);
      const refused = await call('POST', '/v1/auth/refresh', { refreshToken: refreshed.body.refreshToken });
      expect(refused.status).toBe(401);
      expect(refused.body.detail).toContain('session has ended');
      // Ended, not only refused: the access token stops working too.
      const me = await call('GET', '/v1/me', undefined, { authorization: `Bearer ${refreshed.body.accessToken}` });
      expect(me.status).toBe(401);

      expect((await adminCall('PATCH', `/v1/customers/${id}`, { active: true })).status).toBe(200);
      expect((await call('POST', '/v1/auth/refresh', { refreshToken: (await login()).refreshToken })).status).toBe(200);
    } finally {
      await elsewhere.stop();
    }
  }, 60_000);

  it('a wrong password and an unknown email get the same 401', async () => {
    const wrong = await call('POST', '/v1/auth/login', { email: 'john.smith@example.com', password: 'nope-nope-1' });
    const unknown = await call('POST', '/v1/auth/login', { email: 'nobody@example.com', password: 'nope-nope-1' });
    expect(wrong.status).toBe(401);
    expect({ ...wrong.body, requestId: 0 }).toEqual({ ...unknown.body, requestId: 0 });
  });
});

describe('npm start with STORE=redis: what a session keeps in Redis', () => {
  const emulator = createSfccEmulator();
  const prefix = uniquePrefix('sessions-e2e');
  let redis: Awaited<ReturnType<typeof redisForTests>>;
  let upstream: Awaited<ReturnType<typeof serveOnLoopback>> | undefined;
  let gateway: RunningGateway | undefined;

  beforeAll(async () => {
    redis = await redisForTests();
    if ('skip' in redis) return console.warn(`skipping the sessions-in-Redis e2e test: ${redis.skip}`);
    upstream = await serveOnLoopback(emulator.app);
    gateway = await startGateway({
      BACKENDS: 'sfcc',
      ...emulator.connectionEnv(upstream.origin),
      API_KEYS: `storefront:${STOREFRONT}`,
      SESSION_SIGNING_KEYS: `e2e:${SIGNING}`,
      STORE: 'redis',
      REDIS_URL: redis.url,
      STORE_PREFIX: prefix,
    });
  }, 90_000);
  afterAll(async () => {
    await gateway?.stop();
    await upstream?.close();
    if (redis && !('skip' in redis)) {
      await removeKeys(redis.url, prefix);
      await redis.stop();
    }
  });

  const post = async (path: string, body: unknown) => {
    const response = await fetch(`${gateway!.origin}${path}`, {
      method: 'POST',
      headers: { 'x-api-key': STOREFRONT, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : undefined };
  };
  const login = async () =>
    (await post('/v1/auth/login', { email: 'john.smith@example.com', password: 'Demo!Passw0rd' })).body;
  /** The Redis keys that name the session, and what they hold. */
  const keysOf = async (refreshToken: string) => {
    const sid = refreshToken.split('.')[0]!;
    if ('skip' in redis) throw new Error('no Redis');
    return (await dumpKeys(redis.url, prefix)).split('\n').filter((line) => line.split(' ')[0]!.includes(sid));
  };

  it('the same few keys after twenty refreshes, a replay of the first token still caught; a logout leaves none', async (ctx) => {
    if ('skip' in redis) return ctx.skip();
    const first = await login();
    let refreshToken: string = first.refreshToken;
    for (let i = 0; i < 20; i++) {
      const refreshed = await post('/v1/auth/refresh', { refreshToken });
      expect(refreshed.status, JSON.stringify(refreshed.body)).toBe(200);
      refreshToken = refreshed.body.refreshToken;
    }
    // Its record, its last use, the current token's digest, the spent tokens' digests.
    const kept = await keysOf(refreshToken);
    expect(kept.length, kept.join('\n')).toBeLessThanOrEqual(4);
    expect(kept.join('\n')).not.toContain(refreshToken.split('.')[2]);

    const replay = await post('/v1/auth/refresh', { refreshToken: first.refreshToken });
    expect(replay.status).toBe(401);
    expect(replay.body.detail).toContain('already used');
    expect((await post('/v1/auth/refresh', { refreshToken })).status).toBe(401);

    let other: string = (await login()).refreshToken;
    for (let i = 0; i < 3; i++) other = (await post('/v1/auth/refresh', { refreshToken: other })).body.refreshToken;
    expect((await post('/v1/auth/logout', { refreshToken: other })).status).toBe(204);
    expect(await keysOf(other)).toEqual([]);
  }, 60_000);
});
