import {
  type Context,
  type ContextManager,
  createContextKey,
  SpanKind,
  SpanStatusCode,
  type Tracer,
  trace,
} from '@opentelemetry/api';
import {
  ATTR_ERROR_TYPE,
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_REQUEST_RESEND_COUNT,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_SERVER_ADDRESS,
  ATTR_SERVER_PORT,
} from '@opentelemetry/semantic-conventions';
import { type AttemptObserver, attemptOutcome } from '../../transport/attempt-observer.js';

/** The adapter method an upstream attempt serves, set around each adapter call (Tracing.withOperation). */
export const OPERATION = createContextKey('customer-gateway.operation');

/**
 * A CLIENT span per upstream attempt, child of the request's span: backend, operation (the
 * adapter method), attempt number, outcome and the upstream's status; server address and port,
 * never the path or query (they hold ids and emails). Its context goes to the platform in the
 * attempt's `traceparent`. Attempts outside a traced request (readiness probes) are not traced.
 */
export function attemptSpans(
  tracer: Tracer,
  contexts: ContextManager,
  inject: (context: Context, headers: Headers) => void,
): AttemptObserver {
  return ({ backend, request, number }) => {
    const active = contexts.active();
    if (!trace.getSpan(active)) return () => {};
    const operation = (active.getValue(OPERATION) as string | undefined) ?? 'call';
    const url = new URL(request.url);
    const span = tracer.startSpan(
      `${backend} ${operation}`,
      {
        kind: SpanKind.CLIENT,
        attributes: {
          'gateway.backend': backend,
          'gateway.operation': operation,
          'gateway.attempt': number,
          [ATTR_HTTP_REQUEST_METHOD]: request.method.toUpperCase(),
          [ATTR_SERVER_ADDRESS]: url.hostname,
          [ATTR_SERVER_PORT]: Number(url.port || (url.protocol === 'https:' ? 443 : 80)),
          ...(number > 1 ? { [ATTR_HTTP_REQUEST_RESEND_COUNT]: number - 1 } : {}),
        },
      },
      active,
    );
    inject(trace.setSpan(active, span), request.headers);
    return (end) => {
      const outcome = attemptOutcome(end);
      span.setAttribute('gateway.outcome', outcome);
      if (end.status !== undefined) span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, end.status);
      if (outcome !== 'ok') {
        span.setAttribute(ATTR_ERROR_TYPE, end.status === undefined ? outcome : String(end.status));
        span.setStatus({ code: SpanStatusCode.ERROR });
      }
      span.end();
    };
  };
}
