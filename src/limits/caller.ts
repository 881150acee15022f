import type { Context } from 'hono';
import type { GatewayEnv } from '../context.js';
import { sha256Hex } from '../digest.js';


/**
 * Who is calling, for idempotency records and caller rate limits: the API key (by digest, never
 * the key itself), else `anonymous` (an open API). Authentication has already run when this is
 * asked, so the key is a valid one.
 *
 * Hook for shopper sessions: once a request carries a session (storefront-sessions issue), return
 * `session:<sessionId>` here first, so each shopper gets their own limits and records.
 */
export async function callerOf(c: Context<GatewayEnv>): Promise<string> {
  const apiKey = c.req.header('x-api-key') ?? /^Bearer\s+(\S+)$/i.exec(c.req.header('authorization') ?? '')?.[1];
  return apiKey ? `key:${await sha256Hex(apiKey, 12)}` : 'anonymous';
}
