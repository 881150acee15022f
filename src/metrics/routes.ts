import { Hono } from 'hono';
import { GatewayError } from '../../adapters/errors.js';
import type { GatewayEnv } from '../context.js';
import type { GatewayDeps } from '../deps.js';
import { assertKeyReaches, requireApiKey } from '../middleware/auth.js';

/** Why Workers answer 501: what a Worker could count would mislead more than help. */
const NO_METRICS_ON_WORKERS =
  'this runtime keeps no Prometheus metrics: a Worker runs in many isolates at once, each evicted at any time, so ' +
  "one isolate's counters are a random, resetting fraction of the traffic. Use the Worker's metrics and logs in " +
  'Cloudflare (Workers Observability, or the GraphQL Analytics API) and traces (OTEL_EXPORTER_OTLP_ENDPOINT)';

/**
 * GET /metrics on the API's port, in the Prometheus text format: behind an admin API key when
 * API_KEYS is set (open like the rest of the API otherwise), one that reaches every backend: the
 * series name each backend's traffic, failures and dead letters. With METRICS_PORT the metrics live
 * on that listener only (src/metrics/server.ts), away from the public port.
 */
export function metricsRoutes(deps: GatewayDeps) {
  const app = new Hono<GatewayEnv>();
  if (deps.config.apiKeys.length > 0) app.use('/metrics', requireApiKey(deps.config.apiKeys));
  return app.get('/metrics', async (c) => {
    if (deps.config.metricsListener) throw new GatewayError('not_found', 'metrics are served on METRICS_PORT');
    if (!deps.metrics) throw new GatewayError('not_supported', NO_METRICS_ON_WORKERS);
    for (const name of deps.backends.keys()) assertKeyReaches(c, name);
    const text = await deps.metrics.render(deps.events);
    return c.body(text, 200, { 'content-type': deps.metrics.contentType, 'cache-control': 'no-store' });
  });
}
