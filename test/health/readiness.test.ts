import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOpen2bEmulator } from '../../emulators/open2b/index.js';
import { createScayleEmulator } from '../../emulators/scayle/index.js';
import { type RunningEmulator, serveOnLoopback } from '../../emulators/shared/runtime.js';
import { createSfccEmulator } from '../../emulators/sfcc/index.js';
import { createReadiness, PROBE_FAILED_TTL_MS, PROBE_OK_TTL_MS } from '../../src/health/readiness.js';
import { createMemoryStore } from '../../src/store/memory.js';
import type { SharedStore } from '../../src/store/types.js';
import { silentLog } from '../adapters/support.js';
import { buildGateway } from '../conformance/harness.js';

/** /ready in process, the platforms served over HTTP on loopback with right and wrong configurations. */
describe('/ready: the shared store and every backend, said per check', () => {
  const scayle = createScayleEmulator();
  const sfcc = createSfccEmulator();
  const open2b = createOpen2bEmulator();
  let servers: Record<'scayle' | 'sfcc' | 'open2b', RunningEmulator>;
  const env = () => ({
    BACKENDS: 'scayle,sfcc,open2b',
    ...scayle.connectionEnv(servers.scayle.origin),
    ...sfcc.connectionEnv(servers.sfcc.origin),
    ...open2b.connectionEnv(servers.open2b.origin),
  });

  beforeAll(async () => {
    const [a, b, c] = await Promise.all([scayle, sfcc, open2b].map((e) => serveOnLoopback(e.app)));
    servers = { scayle: a!, sfcc: b!, open2b: c! };
  });
  afterAll(async () => Promise.all(Object.values(servers).map((s) => s.close())));

  it('answers 200 when the store answers and every platform takes our configuration', async () => {
    const res = await buildGateway('scayle', env()).app.request('/ready');
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(await res.json()).toMatchObject({
      status: 'ready',
      checks: {
        store: { ok: true },
        backends: { scayle: { ok: true }, sfcc: { ok: true }, open2b: { ok: true } },
      },
    });
    // /health stays liveness: it asks nobody.
    expect((await buildGateway('scayle', env()).app.request('/health')).status).toBe(200);
  });

  it('answers 503 naming the backend whose credentials were refused, the unknown shop and the one unreachable, never a secret', async () => {
    const wrongSecret = 'wrong-sfcc-client-secret-xyz';
    const gateway = buildGateway('scayle', {
      ...env(),
      SCAYLE_SHOP_KEY: 'no-such-shop',
      SFCC_CLIENT_SECRET: wrongSecret,
      // Nothing listens on port 9.
      OPEN2B_BASE_URL: 'http://127.0.0.1:9/api/v6',
    });
    const res = await gateway.app.request('/ready');
    expect(res.status).toBe(503);
    const body = (await res.json()) as {
      status: string;
      checks: { backends: Record<string, Record<string, unknown>> };
    };
    expect(body.status).toBe('not_ready');
    // The same probe as `npm run doctor` (adapters/probe.ts): the problem, and the settings to look at.
    expect(body.checks.backends.scayle).toMatchObject({
      ok: false,
      problem: 'unknown-target',
      detail: expect.stringContaining('404'),
      variables: expect.arrayContaining(['SCAYLE_SHOP_KEY']),
    });
    expect(body.checks.backends.sfcc).toMatchObject({
      ok: false,
      problem: 'credentials',
      variables: expect.arrayContaining(['SFCC_CLIENT_SECRET']),
    });
    expect(body.checks.backends.open2b).toMatchObject({ ok: false, problem: 'unreachable' });
    expect(JSON.stringify(body)).not.toContain(wrongSecret);
  });

  it('stays ready while a platform answers 429 or the fleet has spent its budget for it: busy, not broken', async () => {
    const busy = buildGateway('scayle', { ...env(), UPSTREAM_BUDGET_SFCC: '1/60' });
    scayle.faults.inject({ status: 429, times: 50 });
    open2b.faults.inject({ status: 429, times: 50 });
    try {
      // The fleet's budget for SFCC (one call a minute) goes to a read; the probe then finds it spent.
      await busy.call('GET', '/v1/backends/sfcc/customers?limit=1');
      const res = await busy.app.request('/ready');
      expect(await res.json()).toMatchObject({
        status: 'ready',
        checks: { backends: { scayle: { ok: true }, sfcc: { ok: true }, open2b: { ok: true } } },
      });
      expect(res.status).toBe(200);
    } finally {
      scayle.faults.clear();
      open2b.faults.clear();
    }
  });

  it('asks a platform again only after 30 s (5 s after a failure); concurrent checks share one probe', async () => {
    let now = 1_000_000;
    const gateway = buildGateway('scayle', { BACKENDS: 'scayle', ...scayle.connectionEnv(servers.scayle.origin) });
    const readiness = createReadiness({
      store: createMemoryStore(),
      backends: gateway.deps.backends,
      log: silentLog,
      now: () => now,
    });
    const served = () => servers.scayle.requestsServed;
    const before = served();
    const [first, second] = await Promise.all([readiness.check(), readiness.check()]);
    expect([first.status, second.status]).toEqual(['ready', 'ready']);
    expect(served() - before).toBe(1);
    now += PROBE_OK_TTL_MS - 1;
    await readiness.check();
    expect(served() - before).toBe(1);
    now += 1;
    scayle.faults.inject({ status: 500, times: 10 });
    expect((await readiness.check()).status).toBe('not_ready');
    const afterFailure = served();
    scayle.faults.clear();
    now += PROBE_FAILED_TTL_MS - 1;
    expect((await readiness.check()).status).toBe('not_ready');
    expect(served()).toBe(afterFailure);
    now += 1;
    expect((await readiness.check()).status).toBe('ready');
  });

  it('fails on a store that refuses calls, and answers draining once shutdown began', async () => {
    const broken: SharedStore = { ...createMemoryStore(), get: () => Promise.reject(new Error('READONLY')) };
    const readiness = createReadiness({ store: broken, backends: new Map(), log: silentLog });
    expect(await readiness.check()).toMatchObject({
      status: 'not_ready',
      checks: { store: { ok: false, problem: 'unreachable', detail: 'refused the call' } },
    });
    readiness.drain();
    expect(await readiness.check()).toEqual({ status: 'draining', checks: {} });
  });
});
