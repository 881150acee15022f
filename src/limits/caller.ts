import type { Context } from 'hono';
import type { GatewayEnv } from '../context.js';
import { sha256Hex } from '../digest.js';
import { offeredApiKey } from '../middleware/auth.js';

/**
 * Who is calling, for idempotency records and caller rate limits: on /v1/me… the shopper (backend
 * and customer, stable across token refreshes, so one storefront key never mixes two shoppers'
 * records), else the API key (by digest, never the key itself), else `anonymous` (an open API).
 * Authentication has already run when this is asked, so the key or token is a valid one.
 */
export async function callerOf(c: Context<GatewayEnv>): Promise<string> {
  const shopper = c.get('shopper');
  if (shopper) return shopperCaller(shopper.backend, shopper.sub);
  const apiKey = offeredApiKey(c);
  return apiKey ? `key:${await sha256Hex(apiKey, 12)}` : 'anonymous';
}

/** A shopper as a caller: a digest of backend and customer (the erasure forgets its budget by it). */
export const shopperCaller = async (backend: string, sub: string) =>
  `shopper:${await sha256Hex(`${backend}\n${sub}`, 12)}`;
