import { z } from 'zod';
import { hmacSha256Hex, stableJson } from '../digest.js';

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
 */
export async function fingerprintOf(
  secret: string,
  method: string,
  pathAndQuery: string,
  body: string,
): Promise<string> {
  let canonical = body;
  try {
    canonical = body === '' ? '' : stableJson(JSON.parse(body));
  } catch {
    /* not JSON: the bytes themselves */
  }
  return hmacSha256Hex(secret, `idempotency\n${method}\n${pathAndQuery}\n${canonical}`);
}
