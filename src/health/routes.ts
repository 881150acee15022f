import { Hono } from 'hono';
import type { GatewayEnv } from '../context.js';
import type { Readiness } from './readiness.js';

/**
 * GET /ready: 200 when the shared store and every backend work, else 503 with each check's
 * answer (which failed and why). `/health` stays liveness: the process serves.
 */
export function readinessRoutes(readiness: Readiness) {
  return new Hono<GatewayEnv>().get('/ready', async (c) => {
    const report = await readiness.check();
    c.header('cache-control', 'no-store');
    return c.json(report, report.status === 'ready' ? 200 : 503);
  });
}
