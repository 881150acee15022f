import type { Log } from '../../adapters/types.js';
import type { TracingConfig } from './config.js';
import { createFetchSpanExporter } from './fetch-exporter.js';
import { createOtelTracing } from './otel.js';
import type { Tracing } from './tracing.js';

/**
 * Tracing on Workers: the same spans as on Node, context kept in the runtime's AsyncLocalStorage
 * (nodejs_compat), exported over the runtime's fetch; the Worker flushes after each request under
 * `ctx.waitUntil`, so no span waits for a timer in an isolate that may be evicted.
 */
export function startWorkerTracing(config: TracingConfig, options: { log: Log; serviceVersion: string }): Tracing {
  return createOtelTracing(config, createFetchSpanExporter(config), options);
}
