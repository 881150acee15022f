import type { MiddlewareHandler } from 'hono';
import { GatewayError } from '../../adapters/errors.js';
import type { GatewayEnv } from '../context.js';
import type { ApiKey, ApiKeyScope } from '../env.js';

const encoder = new TextEncoder();
const sha256 = async (text: string) => new Uint8Array(await crypto.subtle.digest('SHA-256', encoder.encode(text)));

/** Equal-time comparison of two digests, so a key cannot be guessed byte by byte from timings. */
function sameDigest(a: Uint8Array, b: Uint8Array): boolean {
  let diff = a.length ^ b.length;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ (b[i] ?? 0);
  return diff === 0;
}

/** Sign-in, refresh and logout: /v1/auth/* and /v1/backends/{backend}/auth/* (routes and document paths alike). */
export const AUTH_PATH = /^\/v1\/(?:backends\/[^/]+\/)?auth\//;
/** Where `Authorization` carries the shopper's access token, so a key can only come in X-Api-Key. */
export const SHOPPER_PATH = /^\/v1\/me(?:\/|$)/;
/** What a storefront key may reach: sign-in and the shopper's own data. */
const isStorefrontPath = (path: string) => AUTH_PATH.test(path) || SHOPPER_PATH.test(path);

/**
 * Caller authentication for /v1 when API_KEYS is set. Admin keys reach everything, as
 * `Authorization: Bearer <key>` or `X-Api-Key`; storefront keys reach only /v1/auth/* and
 * /v1/me*, in `X-Api-Key`. Only the keys' digests are kept, and every offered key is compared with
 * all of them (no early exit). Unset, the API is open (the zero-config development default).
 */
export function requireApiKey(keys: ApiKey[]): MiddlewareHandler<GatewayEnv> {
  const known = Promise.all(keys.map(async ({ key, scope }) => ({ scope, digest: await sha256(key) })));
  const scopeOf = async (offered: string): Promise<ApiKeyScope | undefined> => {
    const digest = await sha256(offered);
    let scope: ApiKeyScope | undefined;
    for (const candidate of await known) if (sameDigest(candidate.digest, digest)) scope = candidate.scope;
    return scope;
  };

  return async (c, next) => {
    const path = c.req.path;
    const bearer = /^Bearer\s+(\S+)$/i.exec(c.req.header('authorization') ?? '')?.[1];
    const offered = c.req.header('x-api-key') ?? (SHOPPER_PATH.test(path) ? undefined : bearer);
    if (offered === undefined) {
      throw new GatewayError(
        'unauthorized',
        SHOPPER_PATH.test(path)
          ? 'send an API key as X-Api-Key (Authorization carries the access token)'
          : 'send an API key as Authorization: Bearer <key> or X-Api-Key',
      );
    }
    const scope = await scopeOf(offered);
    if (!scope) throw new GatewayError('forbidden', 'this API key is not accepted');
    if (scope === 'storefront' && !isStorefrontPath(path))
      throw new GatewayError('forbidden', 'a storefront API key reaches only /v1/auth/* and /v1/me*');
    await next();
  };
}
