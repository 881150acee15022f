import {
  type Context,
  ROOT_CONTEXT,
  type Sampler,
  type Span,
  SpanKind,
  SpanStatusCode,
  type TextMapGetter,
  type TextMapSetter,
  trace,
} from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { ExportResultCode, W3CTraceContextPropagator } from '@opentelemetry/core';
import { defaultResource, resourceFromAttributes } from '@opentelemetry/resources';
import {
  AlwaysOffSampler,
  AlwaysOnSampler,
  BatchSpanProcessor,
  ParentBasedSampler,
  type SpanExporter,
  TraceIdRatioBasedSampler,
  TracerProvider,
} from '@opentelemetry/sdk-trace';
import {
  ATTR_ERROR_TYPE,
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_HTTP_ROUTE,
  ATTR_SERVICE_NAME,
  ATTR_SERVICE_VERSION,
} from '@opentelemetry/semantic-conventions';
import { isGatewayError } from '../../adapters/errors.js';
import type { Log } from '../../adapters/types.js';
import type { MiddlewareHandler } from 'hono';
import type { GatewayEnv } from '../context.js';
import { methodLabel, routeTemplate } from '../middleware/route-template.js';
import { attemptSpans, OPERATION } from './attempt-spans.js';
import type { TracingConfig } from './config.js';
import { tracedStore } from './store.js';
import type { Tracing } from './tracing.js';

const SCOPE = 'customer-gateway';
/** Probes and scrapes, every few seconds from every orchestrator and scraper: counted in metrics, not traced. */
const UNTRACED = new Set(['/health', '/ready', '/metrics']);

const headerGetter: TextMapGetter<Headers> = {
  get: (headers, key) => headers.get(key) ?? undefined,
  keys: (headers) => [...headers.keys()],
};
const headerSetter: TextMapSetter<Headers> = { set: (headers, key, value) => headers.set(key, value) };

/** OTEL_TRACES_SAMPLER as the SDK's sampler. */
function samplerOf(config: TracingConfig): Sampler {
  const ratio = new TraceIdRatioBasedSampler(config.samplerRatio);
  const root = { always_on: new AlwaysOnSampler(), always_off: new AlwaysOffSampler(), traceidratio: ratio };
  switch (config.sampler) {
    case 'always_on':
    case 'always_off':
    case 'traceidratio':
      return root[config.sampler];
    case 'parentbased_always_off':
      return new ParentBasedSampler({ root: root.always_off });
    case 'parentbased_traceidratio':
      return new ParentBasedSampler({ root: ratio });
    default:
      return new ParentBasedSampler({ root: root.always_on });
  }
}

/** The exporter, with failures said in the gateway's log (at most once a minute) instead of the SDK's silent diag. */
function loggingFailures(exporter: SpanExporter, log: Log): SpanExporter {
  let quietUntil = 0;
  return {
    export(spans, done) {
      exporter.export(spans, (result) => {
        if (result.code !== ExportResultCode.SUCCESS && Date.now() >= quietUntil) {
          quietUntil = Date.now() + 60_000;
          log.warn(
            { spans: spans.length, err: { message: result.error?.message ?? 'export failed' } },
            'trace export failed (spans dropped; said at most once a minute)',
          );
        }
        done(result);
      });
    },
    shutdown: () => exporter.shutdown(),
    ...(exporter.forceFlush ? { forceFlush: () => exporter.forceFlush!() } : {}),
  };
}

/**
 * Tracing with the OpenTelemetry SDK, without registering anything global: the gateway's own
 * tracer provider, an AsyncLocalStorage context (Node, and Workers under nodejs_compat) and the
 * W3C trace-context propagator. Spans carry route templates and backend names, never paths,
 * queries or bodies (ids and emails stay out of traces).
 */
export function createOtelTracing(
  config: TracingConfig,
  exporter: SpanExporter,
  options: { log: Log; serviceVersion: string },
): Tracing {
  const provider = new TracerProvider({
    resource: defaultResource().merge(
      resourceFromAttributes({
        ...config.resourceAttributes,
        [ATTR_SERVICE_NAME]: config.serviceName,
        [ATTR_SERVICE_VERSION]: options.serviceVersion,
      }),
    ),
    sampler: samplerOf(config),
    spanProcessors: [new BatchSpanProcessor({ exporter: loggingFailures(exporter, options.log), ...config.batch })],
  });
  const tracer = provider.getTracer(SCOPE, options.serviceVersion);
  const contexts = new AsyncLocalStorageContextManager();
  const propagator = new W3CTraceContextPropagator();

  const requests: MiddlewareHandler<GatewayEnv> = async (c, next) => {
    if (UNTRACED.has(c.req.path)) return next();
    const method = methodLabel(c.req.method);
    const parent = propagator.extract(ROOT_CONTEXT, c.req.raw.headers, headerGetter);
    const span = tracer.startSpan(
      method,
      { kind: SpanKind.SERVER, attributes: { [ATTR_HTTP_REQUEST_METHOD]: method } },
      parent,
    );
    try {
      await contexts.with(trace.setSpan(parent, span), next);
    } finally {
      endRequestSpan(span, c, method);
    }
  };

  return {
    requests,
    withOperation: (operation, run) => contexts.with(contexts.active().setValue(OPERATION, operation), run),
    observeAttempt: attemptSpans(tracer, contexts, (context: Context, headers: Headers) =>
      propagator.inject(context, headers, headerSetter),
    ),
    store: (store, system) => tracedStore(store, system, tracer, contexts),
    logFields(): Record<string, string> {
      const span = trace.getSpan(contexts.active());
      if (!span) return {};
      const { traceId, spanId } = span.spanContext();
      return { trace_id: traceId, span_id: spanId };
    },
    flush: () => provider.forceFlush(),
    shutdown: () => provider.shutdown(),
  };
}

/** Names the span by its route template once routing is done, and says how the request ended. */
function endRequestSpan(span: Span, c: Parameters<MiddlewareHandler<GatewayEnv>>[0], method: string) {
  const route = routeTemplate(c);
  const status = c.res.status;
  span.updateName(`${method} ${route}`);
  span.setAttribute(ATTR_HTTP_ROUTE, route);
  span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, status);
  const backend = c.get('backend');
  if (backend) span.setAttribute('gateway.backend', backend);
  const requestId = c.get('requestId');
  if (requestId) span.setAttribute('gateway.request_id', requestId);
  if (c.error) span.setAttribute('gateway.error_code', isGatewayError(c.error) ? c.error.code : 'internal');
  if (status >= 500) {
    span.setAttribute(ATTR_ERROR_TYPE, String(status));
    span.setStatus({ code: SpanStatusCode.ERROR });
  }
  span.end();
}
