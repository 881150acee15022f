import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createScayleEmulator } from '../../emulators/scayle/index.js';
import { type RunningEmulator, serveOnLoopback } from '../../emulators/shared/runtime.js';
import { createApp, type GatewayApp } from '../../src/app.js';
import { createDeps } from '../../src/deps.js';
import { parseEnv } from '../../src/env.js';
import { createLogger } from '../../src/logging/logger.js';
import { startNodeTracing } from '../../src/telemetry/node.js';
import type { Tracing } from '../../src/telemetry/tracing.js';
import { type ReceivedSpan, SPAN_KIND, startOtlpReceiver } from './otlp-receiver.js';

/**
 * Traces in process, exported by the OpenTelemetry exporters to an OTLP/HTTP receiver on loopback,
 * with SCAYLE served over real HTTP (so `traceparent` crosses a real connection).
 */

const CALLER_TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const CALLER_SPAN = '00f067aa0ba902b7';
const traceparent = (flags = '01') => `00-${CALLER_TRACE}-${CALLER_SPAN}-${flags}`;

describe('traces (OpenTelemetry, OTLP/HTTP) of requests, upstream attempts and store calls', () => {
  let receiver: Awaited<ReturnType<typeof startOtlpReceiver>>;
  let upstream: RunningEmulator;
  const emulator = createScayleEmulator();
  /** The `traceparent` of every request the platform received. */
  const upstreamTraceparents: (string | undefined)[] = [];
  const gateways: Tracing[] = [];

  async function gateway(protocol: 'http/json' | 'http/protobuf') {
    const lines: Record<string, unknown>[] = [];
    const config = parseEnv({
      BACKENDS: 'scayle',
      ...emulator.connectionEnv(upstream.origin),
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.origin,
      OTEL_EXPORTER_OTLP_PROTOCOL: protocol,
      OTEL_EXPORTER_OTLP_HEADERS: 'x-collector-key=k%3Dsecret',
      OTEL_SERVICE_NAME: `gateway-${protocol}`,
      OTEL_BSP_SCHEDULE_DELAY: '20',
      LOG_LEVEL: 'info',
    });
    let tracing: Tracing | undefined;
    const log = createLogger({
      level: 'info',
      write: (line) => lines.push(JSON.parse(line) as Record<string, unknown>),
      mixin: () => tracing?.logFields() ?? {},
    });
    tracing = await startNodeTracing(config.tracing!, { log, serviceVersion: 'test' });
    gateways.push(tracing);
    const deps = createDeps(config, { fetch: (input, init) => fetch(input, init), log, tracing }, {});
    return { app: createApp(deps) as GatewayApp, lines, service: `gateway-${protocol}` };
  }

  /** The trace of the request with this id, once its server span and `count` spans in all have arrived. */
  const traceOf = (requestId: string, count: number) =>
    receiver.waitFor((spans) => {
      const server = spans.find((s) => s.attributes['gateway.request_id'] === requestId);
      const trace = server && spans.filter((s) => s.traceId === server.traceId);
      return trace && trace.length >= count ? { server, trace } : undefined;
    });

  beforeAll(async () => {
    receiver = await startOtlpReceiver();
    const recording = new Hono().all('*', (c) => {
      upstreamTraceparents.push(c.req.header('traceparent'));
      return emulator.app.fetch(c.req.raw);
    });
    upstream = await serveOnLoopback(recording);
  });
  afterAll(async () => {
    await Promise.all(gateways.map((g) => g.shutdown()));
    await upstream?.close();
    await receiver?.close();
  });

  it("continues the caller's trace: a server span by route template, a child per upstream attempt and store call", async () => {
    const { app, lines } = await gateway('http/json');
    // The first GET of the customer fails once: the retry is a second attempt span.
    emulator.faults.inject({ method: 'GET', path: '/customers/1', status: 503, times: 1 });
    const sentBefore = upstreamTraceparents.length;
    const res = await app.request('/v1/customers/1?expand=addresses', {
      headers: { traceparent: traceparent(), 'x-request-id': 'trace-read-1' },
    });
    expect(res.status).toBe(200);
    const { server, trace } = await traceOf('trace-read-1', 5);

    expect(server).toMatchObject({
      traceId: CALLER_TRACE,
      parentSpanId: CALLER_SPAN,
      kind: SPAN_KIND.SERVER,
      name: 'GET /v1/customers/{customerId}',
      attributes: {
        'http.route': '/v1/customers/{customerId}',
        'http.request.method': 'GET',
        'http.response.status_code': 200,
        'gateway.backend': 'scayle',
      },
      resource: { 'service.name': 'gateway-http/json', 'service.version': 'test' },
    });
    const attempts = trace.filter((s) => s.attributes['gateway.operation'] === 'getCustomer');
    expect(attempts.map((s) => [s.attributes['gateway.attempt'], s.attributes['gateway.outcome']])).toEqual(
      expect.arrayContaining([
        [1, 'http_error'],
        [2, 'ok'],
      ]),
    );
    for (const attempt of attempts) {
      expect(attempt).toMatchObject({
        parentSpanId: server.spanId,
        kind: SPAN_KIND.CLIENT,
        name: 'scayle getCustomer',
        attributes: { 'gateway.backend': 'scayle', 'server.address': '127.0.0.1', 'http.request.method': 'GET' },
      });
    }
    const failed = attempts.find((s) => s.attributes['gateway.attempt'] === 1)!;
    expect(failed.attributes['http.response.status_code']).toBe(503);
    expect(failed.statusCode).toBe(2);
    // The fleet's SCAYLE budget is drawn from the shared store before every attempt: a span each.
    const storeCalls = trace.filter((s) => s.name === 'store takeFromWindow');
    expect(storeCalls.length).toBe(attempts.length);
    for (const call of storeCalls)
      expect(call).toMatchObject({
        parentSpanId: server.spanId,
        attributes: { 'db.system.name': 'memory', 'gateway.store.key_kind': 'budget' },
      });

    // The platform received each attempt's own context, in the caller's trace.
    const sent = upstreamTraceparents.slice(sentBefore);
    expect(sent.sort()).toEqual(attempts.map((a) => `00-${CALLER_TRACE}-${a.spanId}-01`).sort());

    // The request's log lines carry its trace and span.
    const access = lines.find((l) => l.requestId === 'trace-read-1' && l.msg === 'request completed');
    expect(access).toMatchObject({ trace_id: CALLER_TRACE, span_id: server.spanId });
    // The exporter sent OTEL_EXPORTER_OTLP_HEADERS (percent-decoded), as JSON.
    expect(receiver.exports[0]).toMatchObject({
      contentType: expect.stringContaining('application/json'),
      headers: { 'x-collector-key': 'k=secret' },
    });
  });

  it('exports protobuf (the default protocol), starts a trace when the caller sent none, and keeps ids and emails out', async () => {
    const { app } = await gateway('http/protobuf');
    const email = 'max.mustermann@example.de';
    const list = await app.request(`/v1/backends/scayle/customers?email=${encodeURIComponent(email)}`, {
      headers: { 'x-request-id': 'trace-list-1' },
    });
    expect(list.status).toBe(200);
    const missing = await app.request('/v1/customers/424242', { headers: { 'x-request-id': 'trace-404' } });
    expect(missing.status).toBe(404);
    const unrouted = await app.request('/v1/nowhere/424242', { headers: { 'x-request-id': 'trace-unrouted' } });
    expect(unrouted.status).toBe(404);

    const { server, trace } = await traceOf('trace-list-1', 3);
    expect(receiver.exports.some((e) => e.contentType.startsWith('application/x-protobuf'))).toBe(true);
    expect(server).toMatchObject({
      parentSpanId: '',
      name: 'GET /v1/backends/{backend}/customers',
      resource: { 'service.name': 'gateway-http/protobuf' },
    });
    expect(trace.find((s) => s.attributes['gateway.operation'])).toMatchObject({
      parentSpanId: server.spanId,
      attributes: { 'gateway.operation': 'listCustomers', 'gateway.outcome': 'ok' },
    });
    const notFound = (await traceOf('trace-404', 2)).server;
    expect(notFound).toMatchObject({
      name: 'GET /v1/customers/{customerId}',
      attributes: { 'http.response.status_code': 404, 'gateway.error_code': 'not_found' },
    });
    const unmatched = (await traceOf('trace-unrouted', 1)).server;
    expect(unmatched.name).toBe('GET unmatched');
    const everything = JSON.stringify(receiver.spans);
    expect(everything).not.toContain(email);
    expect(everything).not.toContain('424242');
  });

  it('traces nothing for probes and scrapes, and never exports a span the sampler dropped', async () => {
    const { app } = await gateway('http/json');
    await app.request('/health', { headers: { 'x-request-id': 'trace-health' } });
    // Sampled-out by the caller (flags 00): the parent-based default sampler follows it.
    const sentBefore = upstreamTraceparents.length;
    const res = await app.request('/v1/customers/1', {
      headers: { traceparent: traceparent('00'), 'x-request-id': 'trace-unsampled' },
    });
    expect(res.status).toBe(200);
    // The decision still travels on to the platform, so it does not start a trace of its own.
    expect(upstreamTraceparents.slice(sentBefore)[0]).toMatch(new RegExp(`^00-${CALLER_TRACE}-[0-9a-f]{16}-00$`));
    // A later sampled request's spans arrive; by then the others would have been exported too.
    await app.request('/v1/customers/1', { headers: { 'x-request-id': 'trace-after' } });
    await traceOf('trace-after', 2);
    const ids = receiver.spans.map((s: ReceivedSpan) => s.attributes['gateway.request_id']);
    expect(ids).not.toContain('trace-health');
    expect(ids).not.toContain('trace-unsampled');
  });
});
