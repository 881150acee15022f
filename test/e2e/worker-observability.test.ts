import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SPAN_KIND, startOtlpReceiver } from '../telemetry/otlp-receiver.js';
import { e2ePlatforms, logRecords, servePlatforms } from './support.js';
import { startWorker } from './workerd.js';

/**
 * The production Worker in workerd with OTEL_* bindings: spans exported over the runtime's fetch
 * after each answer (waitUntil), in protobuf (the default protocol), to a receiver on loopback;
 * context carried by the runtime's AsyncLocalStorage (nodejs_compat). /metrics answers 501.
 */
describe('the production Worker in workerd with OTEL_* set', () => {
  let receiver: Awaited<ReturnType<typeof startOtlpReceiver>>;
  let platforms: Awaited<ReturnType<typeof servePlatforms>>;
  let worker: Awaited<ReturnType<typeof startWorker>>;

  beforeAll(async () => {
    receiver = await startOtlpReceiver();
    platforms = await servePlatforms(e2ePlatforms.filter((p) => p.name === 'scayle'));
    worker = await startWorker({
      ...platforms.env,
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.origin,
      OTEL_SERVICE_NAME: 'gateway-workers',
      LOG_LEVEL: 'info',
    });
  }, 120_000);
  afterAll(async () => {
    await worker?.dispose();
    await platforms?.close();
    await receiver?.close();
  });

  it("continues the caller's trace: server span, upstream attempt and store call as its children", async () => {
    const traceId = '0123456789abcdef0123456789abcdef';
    const callerSpan = 'fedcba9876543210';
    const res = await worker.fetch('/v1/customers/1', {
      headers: { traceparent: `00-${traceId}-${callerSpan}-01`, 'x-request-id': 'workerd-traced-1' },
    });
    expect(res.status).toBe(200);
    const trace = await receiver.waitFor((spans) => {
      const found = spans.filter((s) => s.traceId === traceId);
      return found.length >= 3 ? found : undefined;
    });
    expect(receiver.exports[0]?.contentType).toMatch(/^application\/x-protobuf/);
    const server = trace.find((s) => s.kind === SPAN_KIND.SERVER)!;
    expect(server).toMatchObject({
      parentSpanId: callerSpan,
      name: 'GET /v1/customers/{customerId}',
      attributes: { 'http.response.status_code': 200, 'gateway.backend': 'scayle' },
      resource: { 'service.name': 'gateway-workers' },
    });
    expect(trace.find((s) => s.attributes['gateway.attempt'] === 1)).toMatchObject({
      parentSpanId: server.spanId,
      kind: SPAN_KIND.CLIENT,
      attributes: { 'gateway.operation': 'getCustomer', 'gateway.outcome': 'ok', 'http.response.status_code': 200 },
    });
    expect(trace.find((s) => s.name === 'store takeFromWindow')).toMatchObject({
      parentSpanId: server.spanId,
      attributes: { 'gateway.store.key_kind': 'budget' },
    });
    const access = logRecords(worker.output).find((r) => r.requestId === 'workerd-traced-1');
    expect(access).toMatchObject({ trace_id: traceId, span_id: server.spanId });
  });

  it('answers /metrics with 501, naming what to use instead', async () => {
    const res = await worker.fetch('/metrics');
    expect(res.status).toBe(501);
    expect(await res.json()).toMatchObject({
      code: 'not_supported',
      detail: expect.stringContaining('Workers Observability'),
    });
  });
});
