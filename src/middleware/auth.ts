import type { Context, MiddlewareHandler } from 'hono';
import { GatewayError } from '../../adapters/errors.js';
import type { GatewayEnv } from '../context.js';
import type { ApiKey } from '../env.js';

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
/** The token in `Authorization: Bearer …`: an API key, or on /v1/me… the shopper's access token. */
export const bearerToken = (c: Context): string | undefined =>
  /^Bearer\s+(\S+)$/i.exec(c.req.header('authorization') ?? '')?.[1];

/** The API key a request offers: X-Api-Key, else the bearer token (but on /v1/me…, where that is the shopper's). */
export const offeredApiKey = (c: Context): string | undefined =>
  c.req.header('x-api-key') ?? (SHOPPER_PATH.test(c.req.path) ? undefined : bearerToken(c));

/** What a storefront key may reach: sign-in and the shopper's own data. */
const isStorefrontPath = (path: string) => AUTH_PATH.test(path) || SHOPPER_PATH.test(path);

/**
 * Caller authentication for /v1 when API_KEYS is set. Admin keys reach everything, as
 * `Authorization: Bearer <key>` or `X-Api-Key`; storefront keys reach only /v1/auth/* and
 * /v1/me*, in `X-Api-Key`. Only the keys' digests are kept, and every offered key is compared with
 * all of them (no early exit). Unset, the API is open (the zero-config development default).
 */
export function requireApiKey(keys: ApiKey[]): MiddlewareHandler<GatewayEnv> {
  const keyOf = apiKeyLookup(keys);
  return async (c, next) => {
    const path = c.req.path;
    const offered = offeredApiKey(c);
    if (offered === undefined) {
      throw new GatewayError(
        'unauthorized',
        SHOPPER_PATH.test(path)
          ? 'send an API key as X-Api-Key (Authorization carries the access token)'
          : 'send an API key as Authorization: Bearer <key> or X-Api-Key',
      );
    }
    const key = await keyOf(offered);
    if (!key) throw new GatewayError('forbidden', 'this API key is not accepted');
    if (key.scope === 'storefront' && !isStorefrontPath(path))
      throw new GatewayError('forbidden', 'a storefront API key reaches only /v1/auth/* and /v1/me*');
    if (key.backends) c.set('keyBackends', key.backends);
    await next();
  };
}

/** Finds an offered key among `keys`: only their digests are kept, and each is compared (no early exit). */
function apiKeyLookup(keys: ApiKey[]): (offered: string) => Promise<ApiKey | undefined> {
  const known = Promise.all(keys.map(async (key) => ({ key, digest: await sha256(key.key) })));
  return async (offered) => {
    const digest = await sha256(offered);
    let found: ApiKey | undefined;
    for (const candidate of await known) if (sameDigest(candidate.digest, digest)) found = candidate.key;
    return found;
  };
}

/**
 * For the open operational routes (/health, /ready): whether the caller may see their details (which
 * backends there are, which settings failed): always when API_KEYS is unset, else only with an admin
 * key that reaches every backend, in X-Api-Key or as a bearer token. Never refuses: a caller
 * without one gets the bare status.
 */
export function operatorCheck(keys: ApiKey[], backends: string[]): (c: Context<GatewayEnv>) => Promise<boolean> {
  if (keys.length === 0) return async () => true;
  const keyOf = apiKeyLookup(keys);
  return async (c) => {
    const offered = offeredApiKey(c);
    const key = offered === undefined ? undefined : await keyOf(offered);
    return key?.scope === 'admin' && backends.every((name) => key.backends?.includes(name) ?? true);
  };
}

/** Whether the caller's API key reaches `backend` (keys limited to some backends, e.g. one brand's). */
export const keyReaches = (c: Context<GatewayEnv>, backend: string): boolean =>
  c.get('keyBackends')?.includes(backend) ?? true;

/**
 * 403 unless the caller's API key reaches `backend` (keys limited to some backends, e.g. one
 * brand's storefront): called wherever the backend becomes known (path, default, session, token).
 */
export function assertKeyReaches(c: Context<GatewayEnv>, backend: string): void {
  if (!keyReaches(c, backend))
    throw new GatewayError('forbidden', `this API key is limited to ${c.get('keyBackends')!.join(', ')}`);
}
