import type { MiddlewareHandler } from 'hono';
import { GatewayError } from '../../adapters/errors.js';
import type { GatewayEnv } from '../context.js';

const encoder = new TextEncoder();
const sha256 = async (text: string) => new Uint8Array(await crypto.subtle.digest('SHA-256', encoder.encode(text)));

/** Equal-time comparison of two digests, so a key cannot be guessed byte by byte from timings. */
function sameDigest(a: Uint8Array, b: Uint8Array): boolean {
  let diff = a.length ^ b.length;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ (b[i] ?? 0);
  return diff === 0;
}

/**
 * Caller authentication for /v1 when API_KEYS is set: `Authorization: Bearer <key>`. Only the
 * keys' digests are kept in memory. Unset, the API is open (the zero-config development default).
 */
export function requireApiKey(keys: string[]): MiddlewareHandler<GatewayEnv> {
  const digests = Promise.all(keys.map(sha256));
  return async (c, next) => {
    const header = c.req.header('authorization') ?? '';
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match) throw new GatewayError('unauthorized', 'send an API key as Authorization: Bearer <key>');
    const offered = await sha256(match[1]!);
    if (!(await digests).some((d) => sameDigest(d, offered))) throw new GatewayError('forbidden', 'this API key is not accepted');
    await next();
  };
}
