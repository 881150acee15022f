import type { MiddlewareHandler } from 'hono';
import type { AttemptObserver } from '../../transport/attempt-observer.js';
import type { GatewayEnv } from '../context.js';
import type { SharedStore } from '../store/types.js';

/**
 * What the gateway asks of tracing. The OpenTelemetry implementation (otel.ts) is imported only
 * when an OTEL_* endpoint is set (node.ts, worker.ts); otherwise there is no Tracing at all and
 * none of its hooks is installed, so tracing off costs nothing.
 */
export interface Tracing {
  /** Middleware: the request's span (continuing an incoming `traceparent`), active while it runs. */
  readonly requests: MiddlewareHandler<GatewayEnv>;
  /** Runs one adapter call with its name known to the upstream attempts it makes. */
  withOperation<T>(operation: string, run: () => Promise<T>): Promise<T>;
  /** A span per upstream attempt, its context passed on in the attempt's `traceparent`. */
  readonly observeAttempt: AttemptObserver;
  /** The shared store with a span per call made within a request. */
  store(store: SharedStore, system: string): SharedStore;
  /** `trace_id` and `span_id` of the active span, for every log line written within it. */
  logFields(): Record<string, string>;
  /** Exports every ended span now (Workers: at the end of each request, under waitUntil). */
  flush(): Promise<void>;
  /** Exports what is left and stops. */
  shutdown(): Promise<void>;
}
