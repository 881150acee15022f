import { type Context, Hono } from 'hono';
import type { GatewayEnv } from '../context.js';
import type { Readiness } from './readiness.js';

/**
 * GET /health, liveness: the process serves. GET /ready: 200 when the shared store and every
 * backend work, else 503. Both stay open for probes; their details (the backends, each check's
 * answer: which failed and why) only for an operator (`operatorCheck`), the bare status for anyone else.
 */
export function healthRoutes(
  readiness: Readiness,
  backends: string[],
  isOperator: (c: Context<GatewayEnv>) => Promise<boolean>,
) {
  return new Hono<GatewayEnv>()
    .get('/health', async (c) => c.json({ status: 'ok' as const, ...((await isOperator(c)) ? { backends } : {}) }))
    .get('/ready', async (c) => {
      const report = await readiness.check();
      c.header('cache-control', 'no-store');
      return c.json((await isOperator(c)) ? report : { status: report.status }, report.status === 'ready' ? 200 : 503);
    });
}
