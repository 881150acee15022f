import type { MiddlewareHandler } from 'hono';
import { GatewayError } from '../../adapters/errors.js';
import type { GatewayEnv } from '../context.js';
import type { GatewayDeps } from '../deps.js';
import { assertKeyReaches, bearerToken } from './auth.js';

/**
 * /v1/me…: the shopper's access token (`Authorization: Bearer`) decides the customer and the
 * backend; nothing in the request can name another one.
 */
export function requireShopper(deps: GatewayDeps): MiddlewareHandler<GatewayEnv> {
  return async (c, next) => {
    const token = bearerToken(c);
    if (!token)
      throw new GatewayError(
        'unauthorized',
        'send the access token from POST /v1/auth/login as Authorization: Bearer <accessToken>',
      );
    const claims = await deps.sessions.verifyAccess(token);
    const adapter = deps.backends.get(claims.backend);
    if (!adapter)
      throw new GatewayError(
        'unauthorized',
        `this session's backend ${claims.backend} is no longer configured; log in again`,
      );
    assertKeyReaches(c, claims.backend);
    c.set('shopper', claims);
    c.set('adapter', adapter);
    c.set('backend', claims.backend);
    c.set('basePath', '/v1/me');
    await next();
  };
}
