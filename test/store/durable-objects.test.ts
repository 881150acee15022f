import { afterAll, describe, expect, it } from 'vitest';
import { createDurableObjectStore, type StoreNamespace } from '../../src/store/durable-object.js';
import { startWorkerWithEvents, type WorkerWithEvents, workerEventsSuite } from '../events/worker-events.js';
import { uniquePrefix } from './redis-server.js';
import { sharedStoreSuite } from './suite.js';

/**
 * The Durable Objects store in workerd (Miniflare), from the Worker bundle wrangler builds: the
 * shared suite drives it from here through the GATEWAY_STORE namespace, and the gateway in the
 * Worker (the zero-config demo build: SCAYLE and SFCC are its embedded emulators) uses it for
 * Idempotency-Key and shopper sessions.
 */
let started: Promise<WorkerWithEvents> | undefined;
// With change events on (a webhook receiver and a queue consumer beside it): the same Worker runs
// the change-events suite and the shopper sessions below (SFCC signs shoppers in), as one wrangler
// build and one workerd start.
const withEvents = () => (started ??= startWorkerWithEvents({ BACKENDS: 'scayle,sfcc', LOG_LEVEL: 'warn' }));
const worker = async () => (await withEvents()).worker;
afterAll(async () => (await started)?.worker.dispose(), 30_000);

sharedStoreSuite('durable-objects', {
  async open() {
    const namespace = (await (await worker()).durableObjectNamespace('GATEWAY_STORE')) as unknown as StoreNamespace;
    // Few shards, so the suite's keys share objects as a busy deployment's would.
    return {
      store: createDurableObjectStore(memoized(namespace), { prefix: uniquePrefix('do'), shards: 3 }),
      cleanup: async () => {},
    };
  },
});

/**
 * From Node, the namespace is Miniflare's proxy, whose idFromName/get are synchronous round trips
 * into workerd; many of them interleaved with concurrent async calls have tripped its message
 * ordering under load. Inside a Worker (what the store is for) both are local and cheap; here one
 * id and stub per shard suffices, as the store's shards are few and fixed.
 */
function memoized(namespace: StoreNamespace): StoreNamespace {
  const stubs = new Map<string, ReturnType<StoreNamespace['get']>>();
  return {
    idFromName: (name) => name,
    get: (name) => {
      const key = name as unknown as string;
      let stub = stubs.get(key);
      if (!stub) stubs.set(key, (stub = namespace.get(namespace.idFromName(key) as never)));
      return stub;
    },
  };
}

describe('the Durable Objects store in workerd: index sets of the version before', () => {
  it('a set stored as one JSON value at its key is still read, added to, removed from and deleted', async () => {
    const namespace = (await (await worker()).durableObjectNamespace('GATEWAY_STORE')) as unknown as StoreNamespace;
    const store = createDurableObjectStore(memoized(namespace), { prefix: uniquePrefix('do-legacy-set'), shards: 3 });
    const later = Date.now() + 3_600_000;
    await store.set('index', JSON.stringify({ old1: later, old2: later }), 3_600_000);
    await store.addToSet('index', 'new', 3_600_000);
    expect((await store.setMembers('index')).sort()).toEqual(['new', 'old1', 'old2']);
    await store.removeFromSet('index', 'old1');
    await store.removeFromSet('index', 'new');
    expect(await store.setMembers('index')).toEqual(['old2']);
    await store.addToSet('index', 'again', 3_600_000);
    await store.delete('index');
    expect(await store.setMembers('index')).toEqual([]);
  }, 120_000);
});

describe('the Worker with STORE=durable-objects', () => {
  it('replays a retried registration (same Idempotency-Key) from the Durable Objects store', async () => {
    const { fetch } = await worker();
    const body = JSON.stringify({ email: `do-${Date.now()}@example.com`, firstName: 'Dora', lastName: 'Durable' });
    const key = `"${crypto.randomUUID()}"`;
    const register = () =>
      fetch('/v1/backends/scayle/customers', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'idempotency-key': key },
        body,
      });
    const first = await register();
    const answer = await first.text();
    expect(first.status, answer).toBe(201);
    const retry = await register();
    expect(retry.status).toBe(201);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    expect(await retry.text()).toBe(answer);
  }, 120_000);
});

workerEventsSuite(withEvents);

/**
 * Shopper sessions on Workers as a storefront uses them, over the Durable Objects store: the demo
 * Worker above (SFCC is one of its embedded emulators), and what the store holds of a session read
 * from the same objects.
 */
describe('the Worker with STORE=durable-objects: shopper sessions', () => {
  it('refreshes rotate, a replayed token ends the session, a logout leaves nothing of it in the store', async () => {
    const gateway = await worker();
    const post = async (path: string, body: unknown) => {
      const response = await gateway.fetch(path, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      const text = await response.text();
      return { status: response.status, body: text ? JSON.parse(text) : undefined };
    };
    const login = async () => {
      const answer = await post('/v1/backends/sfcc/auth/login', {
        email: 'john.smith@example.com',
        password: 'Demo!Passw0rd',
      });
      expect(answer.status, JSON.stringify(answer.body)).toBe(200);
      return answer.body.refreshToken as string;
    };
    // The Worker's own store, as it configures it (STORE_PREFIX's default, 32 shards).
    const store = createDurableObjectStore(
      memoized((await gateway.durableObjectNamespace('GATEWAY_STORE')) as unknown as StoreNamespace),
      { prefix: 'customer-gateway:' },
    );

    const first = await login();
    let token = first;
    for (let i = 0; i < 5; i++) {
      const refreshed = await post('/v1/auth/refresh', { refreshToken: token });
      expect(refreshed.status, JSON.stringify(refreshed.body)).toBe(200);
      token = refreshed.body.refreshToken;
    }
    const sid = token.split('.')[0]!;
    expect(await store.setMembers(`session:spent:${sid}`)).toHaveLength(5);
    const replay = await post('/v1/auth/refresh', { refreshToken: first });
    expect(replay.status).toBe(401);
    expect(replay.body.detail).toContain('already used');
    expect((await post('/v1/auth/refresh', { refreshToken: token })).status).toBe(401);
    expect(await store.setMembers(`session:spent:${sid}`)).toEqual([]);

    let other = await login();
    other = (await post('/v1/auth/refresh', { refreshToken: other })).body.refreshToken;
    const otherSid = other.split('.')[0]!;
    expect((await post('/v1/auth/logout', { refreshToken: other })).status).toBe(204);
    expect((await post('/v1/auth/refresh', { refreshToken: other })).status).toBe(401);
    expect(await store.setMembers(`session:spent:${otherSid}`)).toEqual([]);
    expect(await store.get(`session:family:${otherSid}`)).toBeUndefined();
    expect(await store.get(`session:generation:${otherSid}:1`)).toBeUndefined();
  }, 120_000);
});
