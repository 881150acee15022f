import type { MiddlewareHandler } from 'hono';
import type { GatewayEnv } from '../context.js';
import { methodLabel, routeTemplate } from '../middleware/route-template.js';
import type { GatewayMetrics } from './metrics.js';

/** The sign-in and refresh routes, by template: their answers are the sessions issued and refused. */
const SESSION_FLOWS: Record<string, 'login' | 'refresh'> = {
  '/v1/auth/login': 'login',
  '/v1/backends/{backend}/auth/login': 'login',
  '/v1/auth/refresh': 'refresh',
};

/**
 * Per request: its duration by route template, method, status and backend (the histogram's
 * `_count` counts requests), requests in flight, and the shopper sessions its answer issued or
 * refused (read from the route and status, so every backend's sign-in is counted alike).
 */
export function requestMetrics(metrics: GatewayMetrics): MiddlewareHandler<GatewayEnv> {
  return async (c, next) => {
    const started = performance.now();
    metrics.requestsInFlight.inc();
    try {
      await next();
    } finally {
      metrics.requestsInFlight.dec();
      const route = routeTemplate(c);
      const status = c.res.status;
      metrics.requestDuration.observe(
        { route, method: methodLabel(c.req.method), status, backend: c.get('backend') ?? '' },
        (performance.now() - started) / 1000,
      );
      const flow = SESSION_FLOWS[route];
      if (flow) countSession(metrics, flow, status);
    }
  };
}

function countSession(metrics: GatewayMetrics, flow: 'login' | 'refresh', status: number) {
  if (status === 200) metrics.sessionsIssued.inc({ flow });
  else if (status === 401)
    metrics.sessionsRefused.inc({ flow, reason: flow === 'login' ? 'credentials' : 'invalid_token' });
  else if (status === 429) metrics.sessionsRefused.inc({ flow, reason: 'rate_limited' });
}
