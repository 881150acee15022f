import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SPAN_KIND, startOtlpReceiver } from '../telemetry/otlp-receiver.js';
import { type MetricFamily, parsePrometheusText } from './prometheus-text.js';
import { e2ePlatforms, freePort, logRecords, type RunningGateway, servePlatforms, startGateway } from './support.js';

/**
 * `npm start` as operations run it: traces to an OTLP receiver (protobuf, the default), metrics
 * scraped from METRICS_PORT and parsed, SCAYLE served over HTTP on loopback and the in-process
 * reference backend for shopper sessions.
 */

async function scrape(url: string, headers: Record<string, string> = {}) {
  const res = await fetch(url, { headers });
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  return parsePrometheusText(await res.text());
}

const family = (families: MetricFamily[], name: string) => families.find((f) => f.name === name);
/** The value of the series whose labels include `labels` (a histogram's count), or undefined. */
function sample(families: MetricFamily[], name: string, labels: Record<string, string> = {}): number | undefined {
  return family(families, name)?.series.find((s) => Object.entries(labels).every(([k, v]) => s.labels[k] === v))?.value;
}

const ADMIN = 'admin:observability-admin-key-1';
const OTHER_ADMIN = 'admin:observability-admin-key-2';
const STOREFRONT = 'storefront:observability-shop-key-1';
const BRAND_ADMIN = 'admin@memory:observability-brand-admin-key-1';
const key = (entry: string) => entry.slice(entry.indexOf(':') + 1);

describe('npm start with OTEL_* and METRICS_PORT: spans exported, metrics scraped', () => {
  let receiver: Awaited<ReturnType<typeof startOtlpReceiver>>;
  let platforms: Awaited<ReturnType<typeof servePlatforms>>;
  let gateway: RunningGateway;
  let metricsPort: number;

  beforeAll(async () => {
    receiver = await startOtlpReceiver();
    platforms = await servePlatforms(e2ePlatforms.filter((p) => p.name === 'scayle'));
    gateway = await startGateway(async () => ({
      ...platforms.env,
      BACKENDS: 'scayle,memory',
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.origin,
      OTEL_SERVICE_NAME: 'gateway-e2e',
      OTEL_BSP_SCHEDULE_DELAY: '50',
      METRICS_PORT: String((metricsPort = await freePort())),
      METRICS_HOST: '127.0.0.1',
      API_KEYS: [ADMIN, OTHER_ADMIN, STOREFRONT].join(','),
      CALLER_RATE_LIMIT: '20/600',
      UPSTREAM_BUDGET_SCAYLE: '6/600',
      SESSION_SIGNING_KEYS: `obs:${'o'.repeat(40)}`,
      LOG_LEVEL: 'info',
    }));
  }, 60_000);
  afterAll(async () => {
    await gateway?.stop();
    await platforms?.close();
    await receiver?.close();
  });

  const call = (path: string, init: RequestInit & { apiKey?: string } = {}) =>
    fetch(`${gateway.origin}${path}`, {
      ...init,
      headers: { 'x-api-key': key(init.apiKey ?? ADMIN), 'content-type': 'application/json', ...init.headers },
    });

  it("exports a request's span (continuing traceparent) with its upstream attempt as a child, ids on the log line", async () => {
    const traceId = '5a2f6a7e0c3b4d8e9f1a2b3c4d5e6f70';
    const callerSpan = '1122334455667788';
    const res = await call('/v1/backends/scayle/customers/1', {
      headers: { traceparent: `00-${traceId}-${callerSpan}-01`, 'x-request-id': 'e2e-traced-1' },
    });
    expect(res.status).toBe(200);
    const trace = await receiver.waitFor((spans) => {
      const found = spans.filter((s) => s.traceId === traceId);
      return found.some((s) => s.kind === SPAN_KIND.SERVER) && found.some((s) => s.attributes['gateway.attempt'])
        ? found
        : undefined;
    });
    const server = trace.find((s) => s.kind === SPAN_KIND.SERVER)!;
    expect(server).toMatchObject({
      parentSpanId: callerSpan,
      name: 'GET /v1/backends/{backend}/customers/{customerId}',
      attributes: {
        'http.response.status_code': 200,
        'gateway.backend': 'scayle',
        'gateway.request_id': 'e2e-traced-1',
      },
      resource: { 'service.name': 'gateway-e2e' },
    });
    expect(trace.find((s) => s.attributes['gateway.attempt'] === 1)).toMatchObject({
      parentSpanId: server.spanId,
      kind: SPAN_KIND.CLIENT,
      attributes: { 'gateway.operation': 'getCustomer', 'gateway.outcome': 'ok', 'http.response.status_code': 200 },
    });
    await expect
      .poll(() => logRecords(gateway.stdout).find((r) => r.requestId === 'e2e-traced-1'))
      .toMatchObject({ trace_id: traceId, span_id: server.spanId, msg: 'request completed' });
  });

  it('counts requests, upstream calls, retries, refusals, replays and sessions with bounded labels', async () => {
    // An idempotent write and its replay.
    const email = `obs-${Date.now()}@example.com`;
    const register = () =>
      call('/v1/backends/scayle/customers', {
        method: 'POST',
        headers: { 'idempotency-key': `"obs-${email}"` },
        body: JSON.stringify({ email, lastName: 'Observed' }),
      });
    const created = await register();
    expect(created.status).toBe(201);
    const customerId = ((await created.json()) as { id: string }).id;
    expect((await register()).headers.get('idempotent-replayed')).toBe('true');
    // A 503 the client retries.
    platforms.served[0]!.emulator.faults.inject({
      method: 'GET',
      path: `/customers/${customerId}`,
      status: 503,
      times: 1,
    });
    expect((await call(`/v1/backends/scayle/customers/${customerId}`)).status).toBe(200);
    // Reads until the fleet's SCAYLE read budget (6 per 10 min) is spent: our own 429.
    let refused = false;
    for (let i = 0; i < 8 && !refused; i++) refused = (await call('/v1/backends/scayle/customers/1')).status === 429;
    expect(refused).toBe(true);
    // Sessions on the reference backend: one issued, one wrong password, one bad refresh token.
    const shopper = { email: `shopper-${Date.now()}@example.com`, password: 'Obs3rved!pass' };
    const registered = await call('/v1/backends/memory/customers', {
      method: 'POST',
      body: JSON.stringify({ ...shopper, lastName: 'Shopper' }),
    });
    expect(registered.status).toBe(201);
    const login = (password: string) =>
      call('/v1/backends/memory/auth/login', {
        method: 'POST',
        apiKey: STOREFRONT,
        body: JSON.stringify({ email: shopper.email, password }),
      });
    expect((await login(shopper.password)).status).toBe(200);
    expect((await login('Wrong!pass123')).status).toBe(401);
    const refresh = await call('/v1/auth/refresh', {
      method: 'POST',
      apiKey: STOREFRONT,
      body: JSON.stringify({ refreshToken: 'not-a-token' }),
    });
    expect(refresh.status).toBe(401);
    // The other admin key spends its own caller budget (20 per 10 min) on a route that calls no platform.
    let limited = false;
    for (let i = 0; i < 22 && !limited; i++)
      limited = (await call('/v1/backends', { apiKey: OTHER_ADMIN })).status === 429;
    expect(limited).toBe(true);
    expect((await fetch(`${gateway.origin}/v1/no/such/route`)).status).toBe(401);

    const families = await scrape(`http://127.0.0.1:${metricsPort}/metrics`);
    const requests = 'gateway_http_request_duration_seconds';
    expect(family(families, requests)?.type).toBe('histogram');
    const read = { route: '/v1/backends/{backend}/customers/{customerId}', method: 'GET', backend: 'scayle' };
    expect(sample(families, requests, { ...read, status: '200' })).toBeGreaterThanOrEqual(2);
    expect(sample(families, requests, { ...read, status: '429' })).toBe(1);
    expect(sample(families, requests, { route: 'unmatched', status: '401' })).toBe(1);
    expect(
      sample(families, 'gateway_upstream_call_duration_seconds', {
        backend: 'scayle',
        operation: 'getCustomer',
        outcome: 'ok',
      }),
    ).toBeGreaterThanOrEqual(2);
    expect(
      sample(families, 'gateway_upstream_call_duration_seconds', { operation: 'getCustomer', outcome: 'rate_limited' }),
    ).toBe(1);
    expect(sample(families, 'gateway_upstream_attempts_total', { outcome: 'http_error', status: '503' })).toBe(1);
    expect(sample(families, 'gateway_upstream_attempts_total', { outcome: 'budget_refused', status: '' })).toBe(1);
    expect(sample(families, 'gateway_upstream_retries_total', { backend: 'scayle' })).toBe(1);
    expect(sample(families, 'gateway_upstream_budget_refusals_total', { backend: 'scayle' })).toBe(1);
    expect(sample(families, 'gateway_caller_limit_refusals_total')).toBe(1);
    expect(sample(families, 'gateway_idempotency_replays_total', { backend: 'scayle' })).toBe(1);
    expect(sample(families, 'gateway_sessions_issued_total', { flow: 'login' })).toBe(1);
    expect(sample(families, 'gateway_sessions_refused_total', { flow: 'login', reason: 'credentials' })).toBe(1);
    expect(sample(families, 'gateway_sessions_refused_total', { flow: 'refresh', reason: 'invalid_token' })).toBe(1);
    expect(sample(families, 'gateway_http_requests_in_flight')).toBe(0);
    // Node's own process metrics, under their usual names.
    expect(sample(families, 'process_cpu_seconds_total')).toBeGreaterThan(0);
    expect(family(families, 'nodejs_eventloop_lag_seconds')).toBeDefined();

    // Bounded labels: templates and names only, never an id, an email or a raw path.
    const values = families
      .filter((f) => f.name.startsWith('gateway_'))
      .flatMap((f) => f.series.flatMap((s) => Object.values(s.labels)));
    for (const route of family(families, requests)!.series.map((s) => s.labels.route!))
      expect(route === 'unmatched' || (/^\/[a-z0-9/{}.-]*$/i.test(route) && !/\/\d/.test(route))).toBe(true);
    expect(values).not.toContain(customerId);
    expect(values.join(' ')).not.toMatch(/@|\/customers\/\d/);
  });

  it('serves metrics only on METRICS_PORT: a 404 on the API port, only /metrics on its own', async () => {
    expect((await call('/metrics')).status).toBe(404);
    expect((await fetch(`http://127.0.0.1:${metricsPort}/other`)).status).toBe(404);
  });

  it("counts the readiness probe's upstream attempt like a request's (work outside requests is not invisible)", async () => {
    const attempts = async () =>
      (family(await scrape(`http://127.0.0.1:${metricsPort}/metrics`), 'gateway_upstream_attempts_total')?.series ?? [])
        .filter((s) => s.labels.backend === 'scayle')
        .reduce((sum, s) => sum + s.value, 0);
    const before = await attempts();
    // /ready probes SCAYLE once (the answer is then cached 30 s): one attempt, whatever its outcome.
    // The first /ready of this gateway: a test before this one that called /ready would leave it cached.
    await fetch(`${gateway.origin}/ready`);
    expect(await attempts()).toBe(before + 1);
  });
});

describe('npm start without METRICS_PORT: /metrics on the API port behind an admin key', () => {
  let gateway: RunningGateway;
  beforeAll(async () => {
    gateway = await startGateway({
      BACKENDS: 'memory,brand-b:memory',
      API_KEYS: [ADMIN, STOREFRONT, BRAND_ADMIN].join(','),
      LOG_LEVEL: 'warn',
    });
  }, 60_000);
  afterAll(async () => gateway?.stop());

  it('refuses callers without a key (401), storefront keys and keys limited to some backends (403); scrapes with an admin key', async () => {
    expect((await fetch(`${gateway.origin}/metrics`)).status).toBe(401);
    expect((await fetch(`${gateway.origin}/metrics`, { headers: { 'x-api-key': key(STOREFRONT) } })).status).toBe(403);
    // Every backend's traffic is in the metrics: a key that reaches only some backends reads none of them.
    const limited = await fetch(`${gateway.origin}/metrics`, { headers: { 'x-api-key': key(BRAND_ADMIN) } });
    expect(limited.status).toBe(403);
    expect(limited.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect((await limited.json()).detail).toMatch(/limited to memory/);
    const families = await scrape(`${gateway.origin}/metrics`, { authorization: `Bearer ${key(ADMIN)}` });
    expect(sample(families, 'gateway_http_request_duration_seconds', { route: '/metrics', status: '401' })).toBe(1);
  });

  it('answers /ready to a probe with the bare status, to an admin key with every check', async () => {
    const probe = await fetch(`${gateway.origin}/ready`);
    expect([probe.status, await probe.json()]).toEqual([200, { status: 'ready' }]);
    const operator = await fetch(`${gateway.origin}/ready`, { headers: { 'x-api-key': key(ADMIN) } });
    expect(await operator.json()).toMatchObject({ status: 'ready', checks: { store: { ok: true } } });
  });
});

describe('npm start with OTEL_EXPORTER_OTLP_PROTOCOL=http/json', () => {
  let receiver: Awaited<ReturnType<typeof startOtlpReceiver>>;
  let gateway: RunningGateway;
  beforeAll(async () => {
    receiver = await startOtlpReceiver();
    gateway = await startGateway({
      BACKENDS: 'memory',
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.origin,
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      OTEL_BSP_SCHEDULE_DELAY: '50',
      LOG_LEVEL: 'warn',
    });
  }, 60_000);
  afterAll(async () => {
    await gateway?.stop();
    await receiver?.close();
  });

  // The other exporter package, loaded by the built entry: each protocol is its own code path there.
  it("exports a request's span as OTLP/JSON", async () => {
    const traceId = '6b3f7a8e1d4c5e9fa02b3c4d5e6f7081';
    const res = await fetch(`${gateway.origin}/v1/backends/memory/customers?limit=1`, {
      headers: { traceparent: `00-${traceId}-2233445566778899-01` },
    });
    expect(res.status).toBe(200);
    await receiver.waitFor((spans) => spans.find((s) => s.traceId === traceId && s.kind === SPAN_KIND.SERVER));
    expect(receiver.exports.map((e) => e.contentType)).toContain('application/json');
    expect(receiver.exports.filter((e) => !e.contentType.startsWith('application/json'))).toEqual([]);
  });
});
