import { createHmac } from 'node:crypto';
import { z } from 'zod';
import { sha256Hex, stableJson } from '../digest.js';

/**
 * What the store keeps per (caller, Idempotency-Key):
 * - `running`: the first request is in flight since `since` (its `token` lets it finish or give
 *   the key back); one running past the request deadline died with its instance: as `uncertain`;
 * - `done`: its answer, replayed to retries for 24 h;
 * - `uncertain`: it failed in a way that leaves open whether the platform applied it (5xx:
 *   timeout, lost answer), so a retry runs again in recovery mode instead of replaying a failure.
 */
export const IdempotencyRecord = z.discriminatedUnion('state', [
  z.object({ state: z.literal('running'), fingerprint: z.string(), token: z.string(), since: z.number() }),
  z.object({
    state: z.literal('done'),
    fingerprint: z.string(),
    status: z.number().int(),
    headers: z.record(z.string(), z.string()),
    body: z.string(),
  }),
  z.object({ state: z.literal('uncertain'), fingerprint: z.string(), since: z.number() }),
]);
export type IdempotencyRecord = z.infer<typeof IdempotencyRecord>;

/** Answer headers worth replaying; the rest (request id, rate-limit counters) describe the new request. */
export const REPLAYED_HEADERS = ['content-type', 'location', 'etag', 'link'];

/**
 * The request fingerprint: method, path with query, and the body (as canonical JSON when it is
 * JSON, so a retry that re-serialises the same object with other key order still matches).
 * Keyed by the deployment's secret (CURSOR_SECRET, the same on every instance: a retry may reach
 * any): a registration's body holds a password, and a plain digest kept in the store beside the
 * answer (which names the customer) would let whoever reads the store test guesses offline.
 * node:crypto's HMAC, as the page cursors' (adapters/cursor.ts): synchronous, and on every keyed write.
 */
export function fingerprintOf(secret: string, method: string, pathAndQuery: string, body: string): string {
  return createHmac('sha256', secret)
    .update(`idempotency\n${method}\n${pathAndQuery}\n${canonicalBody(body)}`)
    .digest('hex');
}

/**
 * The unkeyed fingerprint earlier versions wrote (a plain SHA-256). Compared only when a kept
 * record's fingerprint differs, never written: a retry whose first attempt an older instance
 * recorded, during a rolling upgrade or its records' 24 h, is still recognised as the same request.
 */
export function legacyFingerprintOf(method: string, pathAndQuery: string, body: string): Promise<string> {
  return sha256Hex(`${method}\n${pathAndQuery}\n${canonicalBody(body)}`);
}

/** As canonical JSON when it is JSON, so a retry that re-serialises the same object still matches. */
function canonicalBody(body: string): string {
  try {
    return body === '' ? '' : stableJson(JSON.parse(body));
  } catch {
    return body; // not JSON: the bytes themselves
  }
}
